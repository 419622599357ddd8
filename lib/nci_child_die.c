#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/child.h>

/* Not strerror: glibc's may translate the text, and gettext may allocate, in
   memory the child shares with its parent. The errors an exec or an fd setup
   gives, in words; any other by number. */
static char const *error_text (int e, char *num)
{
  switch (e)
  {
    case ENOENT : return "No such file or directory" ;
    case EACCES : return "Permission denied" ;
    case ENOEXEC : return "Exec format error" ;
    case ENOTDIR : return "Not a directory" ;
    case EISDIR : return "Is a directory" ;
    case ELOOP : return "Too many levels of symbolic links" ;
    case ENAMETOOLONG : return "File name too long" ;
    case E2BIG : return "Argument list too long" ;
    case ETXTBSY : return "Text file busy" ;
    case ENOMEM : return "Cannot allocate memory" ;
    case EMFILE : return "Too many open files" ;
    case EBADF : return "Bad file descriptor" ;
    case EPERM : return "Operation not permitted" ;
    case EINVAL : return "Invalid argument" ;
    default :
      memcpy(num, "errno ", 6) ;
      num[6 + int_fmt(num + 6, e)] = 0 ;
      return num ;
  }
}

void nci_child_die (int code, char const *what, char const *arg)
{
  char num[6 + INT_FMT] ;
  char const *parts[7] = { PROG, ": fatal: unable to ", what, arg, ": ", error_text(errno, num), "\n" } ;
  char buf[512] ;
  size_t n = 0 ;
  for (unsigned int i = 0 ; i < 7 ; i++)
  {
    size_t l = parts[i] ? strlen(parts[i]) : 0 ;
    if (l > sizeof buf - n) l = sizeof buf - n ;
    memcpy(buf + n, parts[i], l) ;
    n += l ;
  }
  if (write(2, buf, n) < 0) {}  /* nowhere else to say it */
  _exit(code) ;
}
