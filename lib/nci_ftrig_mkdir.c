#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <nci/ftrig.h>

/* Listeners of the group create their FIFOs (w, x) but cannot list the others' (no
   r); sticky so they cannot remove them; setgid so every FIFO has the group. */
int nci_ftrig_mkdir (char const *dir)
{
  if (mkdir(dir, 0700) < 0)
  {
    struct stat st ;
    if (errno != EEXIST || stat(dir, &st) < 0) return 0 ;
    if (!S_ISDIR(st.st_mode)) return (errno = ENOTDIR, 0) ;
    return 1 ;
  }
  if (chown(dir, (uid_t)-1, getegid()) < 0 || chmod(dir, 03730) < 0)
  {
    int e = errno ;
    rmdir(dir) ;
    errno = e ;
    return 0 ;
  }
  return 1 ;
}
