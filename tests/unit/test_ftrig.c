/* event/: s6's fifodir protocol (s6 2.11's ftrig1_make and ftrigw_notifyb_nosig):
   the directory, listener FIFOs named as s6 names them, notification of every
   listener, dead ones removed, anything else left alone; and s6's own
   s6-ftrig-notify and s6-ftrig-wait on the other end. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <check.h>
#include "check_run.h"
#include <nci/ftrig.h>

#define TEMPLATE "/tmp/nci-test-ftrig.XXXXXX"
static char dir[] = TEMPLATE ;
static char ev[sizeof TEMPLATE + 6] ;
static char path[PATH_MAX] ;
/* a name of the listeners' form, for files the test plants */
#define LISTENER_NAME "ftrig1:@40000000691f6f2a1c2d3e4f:abcDEF"

static char const *in_ev (char const *name)
{
  snprintf(path, sizeof path, "%s/%s", ev, name) ;
  return path ;
}

static void setup (void)
{
  struct sigaction sa = { .sa_handler = SIG_IGN } ;
  ck_assert_int_eq(sigaction(SIGPIPE, &sa, 0), 0) ;
  memcpy(dir, TEMPLATE, sizeof dir) ;
  ck_assert_ptr_nonnull(mkdtemp(dir)) ;
  snprintf(ev, sizeof ev, "%s/event", dir) ;
}

static void teardown (void)
{
  char cmd[PATH_MAX + 16] ;
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir) ;
  ck_assert_int_eq(system(cmd), 0) ;
}

static int open_ev (void)
{
  int fd = open(ev, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  ck_assert_int_ge(fd, 0) ;
  return fd ;
}

static int exists (char const *p)
{
  struct stat st ;
  return lstat(p, &st) == 0 ;
}

/* Reads what a listener got: all of it, at once (the FIFO never blocks). */
static void assert_got (int fd, char const *want)
{
  char buf[64] ;
  ssize_t r = read(fd, buf, sizeof buf) ;
  ck_assert_msg(r == (ssize_t)strlen(want), "read %zd bytes, want %zu", r, strlen(want)) ;
  ck_assert(!memcmp(buf, want, (size_t)r)) ;
  errno = 0 ;
  ck_assert_int_eq(read(fd, buf, sizeof buf), -1) ;
  ck_assert_int_eq(errno, EAGAIN) ;
}

static int count_entries (void)
{
  DIR *d = opendir(ev) ;
  struct dirent *e ;
  int n = 0 ;
  ck_assert_ptr_nonnull(d) ;
  while ((e = readdir(d))) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++ ;
  closedir(d) ;
  return n ;
}

START_TEST (test_ftrig_mkdir)
{
  struct stat st ;
  char file[PATH_MAX] ;
  umask(022) ;
  ck_assert_int_eq(nci_ftrig_mkdir(ev), 1) ;
  ck_assert_int_eq(stat(ev, &st), 0) ;
  ck_assert(S_ISDIR(st.st_mode)) ;
  ck_assert_int_eq(st.st_mode & 07777, 03730) ;
  ck_assert_uint_eq(st.st_gid, getegid()) ;
  ck_assert_uint_eq(st.st_uid, geteuid()) ;
  /* there already: left as it is */
  ck_assert_int_eq(chmod(ev, 0755), 0) ;
  ck_assert_int_eq(nci_ftrig_mkdir(ev), 1) ;
  ck_assert_int_eq(stat(ev, &st), 0) ;
  ck_assert_int_eq(st.st_mode & 07777, 0755) ;
  snprintf(file, sizeof file, "%s/file", dir) ;
  ck_assert_int_eq(close(open(file, O_WRONLY | O_CREAT, 0600)), 0) ;
  errno = 0 ;
  ck_assert_int_eq(nci_ftrig_mkdir(file), 0) ;
  ck_assert_int_eq(errno, ENOTDIR) ;
  snprintf(file, sizeof file, "%s/no/event", dir) ;
  errno = 0 ;
  ck_assert_int_eq(nci_ftrig_mkdir(file), 0) ;
  ck_assert_int_eq(errno, ENOENT) ;
}
END_TEST

/* s6's name: "ftrig1:@", the TAI64N label in 24 hex digits, ":", 6 characters of
   skalibs' random_name alphabet. */
START_TEST (test_ftrig_listen_name)
{
  char p[PATH_MAX] ;
  char const *name ;
  struct stat st ;
  int fd, wfd = -1, fl ;
  ck_assert_int_eq(nci_ftrig_mkdir(ev), 1) ;
  fd = nci_ftrig_listen(ev, &wfd, p) ;
  ck_assert_int_ge(fd, 0) ;
  ck_assert_int_ge(wfd, 0) ;
  ck_assert(!strncmp(p, ev, strlen(ev)) && p[strlen(ev)] == '/') ;
  name = p + strlen(ev) + 1 ;
  ck_assert_uint_eq(strlen(name), NCI_FTRIG_NAME_LEN) ;
  ck_assert(!strncmp(name, "ftrig1:@4000000", 15)) ;
  for (unsigned int i = 8 ; i < 32 ; i++) ck_assert_msg(strchr("0123456789abcdef", name[i]) && name[i], "name [%s]", name) ;
  ck_assert_int_eq(name[32], ':') ;
  for (unsigned int i = 33 ; i < 39 ; i++)
    ck_assert_msg(name[i] && strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", name[i]), "name [%s]", name) ;
  ck_assert_int_eq(lstat(p, &st), 0) ;
  ck_assert(S_ISFIFO(st.st_mode)) ;
  ck_assert_int_eq(st.st_mode & 0777, 0600) ;
  /* only the FIFO: no dot name left behind */
  ck_assert_int_eq(count_entries(), 1) ;
  fl = fcntl(fd, F_GETFL) ;
  ck_assert(fl >= 0 && (fl & O_ACCMODE) == O_RDONLY && (fl & O_NONBLOCK)) ;
  ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC) ;
  fl = fcntl(wfd, F_GETFL) ;
  ck_assert(fl >= 0 && (fl & O_ACCMODE) == O_WRONLY) ;
  ck_assert_int_eq(fcntl(wfd, F_GETFD), FD_CLOEXEC) ;
  /* the write end held: nothing to read is EAGAIN, never an EOF */
  errno = 0 ;
  ck_assert_int_eq(read(fd, p, 1), -1) ;
  ck_assert_int_eq(errno, EAGAIN) ;
}
END_TEST

START_TEST (test_ftrig_listen_errors)
{
  char p[PATH_MAX] ;
  char longdir[PATH_MAX] ;
  int wfd = -1 ;
  errno = 0 ;
  ck_assert_int_eq(nci_ftrig_listen(ev, &wfd, p), -1) ;
  ck_assert_int_eq(errno, ENOENT) ;
  memset(longdir, 'a', sizeof longdir - 1) ;
  longdir[sizeof longdir - 1] = 0 ;
  errno = 0 ;
  ck_assert_int_eq(nci_ftrig_listen(longdir, &wfd, p), -1) ;
  ck_assert_int_eq(errno, ENAMETOOLONG) ;
  ck_assert_int_eq(wfd, -1) ;
}
END_TEST

START_TEST (test_ftrig_notify_two)
{
  char p1[PATH_MAX], p2[PATH_MAX] ;
  int w1, w2, r1, r2, dfd ;
  ck_assert_int_eq(nci_ftrig_mkdir(ev), 1) ;
  dfd = open_ev() ;
  ck_assert_int_eq(nci_ftrig_notify(dfd, "s", 1), 0) ;
  r1 = nci_ftrig_listen(ev, &w1, p1) ;
  r2 = nci_ftrig_listen(ev, &w2, p2) ;
  ck_assert(r1 >= 0 && r2 >= 0) ;
  ck_assert_str_ne(p1, p2) ;
  errno = 1234 ;
  ck_assert_int_eq(nci_ftrig_notify(dfd, "u", 1), 2) ;
  ck_assert_int_eq(errno, 1234) ;
  assert_got(r1, "u") ;
  assert_got(r2, "u") ;
  /* the same directory fd again: it is rewound */
  ck_assert_int_eq(nci_ftrig_notify(dfd, "dD", 2), 2) ;
  assert_got(r1, "dD") ;
  assert_got(r2, "dD") ;
  ck_assert(exists(p1) && exists(p2)) ;
  close(dfd) ;
}
END_TEST

/* More listeners than one getdents64 buffer holds. */
START_TEST (test_ftrig_notify_many)
{
  enum { MANY = 150 } ;
  int r[MANY], w[MANY], dfd ;
  char p[PATH_MAX] ;
  ck_assert_int_eq(nci_ftrig_mkdir(ev), 1) ;
  for (unsigned int i = 0 ; i < MANY ; i++)
  {
    r[i] = nci_ftrig_listen(ev, &w[i], p) ;
    ck_assert_int_ge(r[i], 0) ;
  }
  dfd = open_ev() ;
  ck_assert_int_eq(nci_ftrig_notify(dfd, "U", 1), MANY) ;
  for (unsigned int i = 0 ; i < MANY ; i++) assert_got(r[i], "U") ;
  close(dfd) ;
}
END_TEST

/* A listener that died (or a FIFO of the right name nobody opened) is removed. */
START_TEST (test_ftrig_dead_unlinked)
{
  char p1[PATH_MAX], p2[PATH_MAX] ;
  int w1, w2, r1, r2, dfd ;
  ck_assert_int_eq(nci_ftrig_mkdir(ev), 1) ;
  r1 = nci_ftrig_listen(ev, &w1, p1) ;
  r2 = nci_ftrig_listen(ev, &w2, p2) ;
  ck_assert(r1 >= 0 && r2 >= 0) ;
  close(r2) ;
  close(w2) ;
  ck_assert_uint_eq(strlen(LISTENER_NAME), NCI_FTRIG_NAME_LEN) ;
  ck_assert_int_eq(mkfifo(in_ev(LISTENER_NAME), 0600), 0) ;
  dfd = open_ev() ;
  ck_assert_int_eq(nci_ftrig_notify(dfd, "d", 1), 1) ;
  assert_got(r1, "d") ;
  ck_assert(exists(p1)) ;
  ck_assert(!exists(p2)) ;
  ck_assert(!exists(in_ev(LISTENER_NAME))) ;
  ck_assert_int_eq(count_entries(), 1) ;
  close(dfd) ;
}
END_TEST

/* Anything not a listener FIFO by s6's rule is left alone, written to by no one. */
START_TEST (test_ftrig_others_left_alone)
{
  static char const *const fifos[] =
  {
    "foo", "ftrig1", "ftrig1:@short",
    "." LISTENER_NAME,
    LISTENER_NAME "x",
    "ftrig2:@40000000691f6f2a1c2d3e4f:abcDEF",
    "ftrig1:#40000000691f6f2a1c2d3e4f:abcDEF",
  } ;
  char target[PATH_MAX], buf[16], p[PATH_MAX] ;
  struct stat st ;
  int fd, r, w, dfd ;
  ck_assert_int_eq(nci_ftrig_mkdir(ev), 1) ;
  for (size_t i = 0 ; i < sizeof fifos / sizeof fifos[0] ; i++) ck_assert_int_eq(mkfifo(in_ev(fifos[i]), 0600), 0) ;
  /* a regular file and a symlink under a listener's name */
  fd = open(in_ev(LISTENER_NAME), O_WRONLY | O_CREAT | O_EXCL, 0600) ;
  ck_assert_int_ge(fd, 0) ;
  ck_assert_int_eq(write(fd, "keep", 4), 4) ;
  close(fd) ;
  snprintf(target, sizeof target, "%s/target", dir) ;
  fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0600) ;
  ck_assert_int_ge(fd, 0) ;
  close(fd) ;
  ck_assert_int_eq(symlink(target, in_ev("ftrig1:@40000000691f6f2a1c2d3e4f:zzzzzz")), 0) ;
  r = nci_ftrig_listen(ev, &w, p) ;
  ck_assert_int_ge(r, 0) ;
  dfd = open_ev() ;
  ck_assert_int_eq(nci_ftrig_notify(dfd, "x", 1), 1) ;
  assert_got(r, "x") ;
  for (size_t i = 0 ; i < sizeof fifos / sizeof fifos[0] ; i++)
    ck_assert_msg(exists(in_ev(fifos[i])), "%s removed", fifos[i]) ;
  ck_assert_int_eq(stat(in_ev(LISTENER_NAME), &st), 0) ;
  ck_assert_int_eq(st.st_size, 4) ;
  fd = open(in_ev(LISTENER_NAME), O_RDONLY) ;
  ck_assert_int_eq(read(fd, buf, sizeof buf), 4) ;
  ck_assert(!memcmp(buf, "keep", 4)) ;
  close(fd) ;
  ck_assert_int_eq(stat(target, &st), 0) ;
  ck_assert_int_eq(st.st_size, 0) ;
  ck_assert(exists(in_ev("ftrig1:@40000000691f6f2a1c2d3e4f:zzzzzz"))) ;
  close(dfd) ;
}
END_TEST

/* A listener that never reads fills its FIFO: it misses the event, the notifier
   does not block, and the listener is not taken for dead. */
START_TEST (test_ftrig_full_fifo)
{
  char p1[PATH_MAX], p2[PATH_MAX], junk[4096] ;
  int w1, w2, r1, r2, dfd ;
  ck_assert_int_eq(nci_ftrig_mkdir(ev), 1) ;
  r1 = nci_ftrig_listen(ev, &w1, p1) ;
  r2 = nci_ftrig_listen(ev, &w2, p2) ;
  ck_assert(r1 >= 0 && r2 >= 0) ;
  memset(junk, 'j', sizeof junk) ;
  while (write(w1, junk, sizeof junk) > 0) ;
  ck_assert_int_eq(errno, EAGAIN) ;
  while (write(w1, junk, 1) > 0) ;
  dfd = open_ev() ;
  ck_assert_int_eq(nci_ftrig_notify(dfd, "U", 1), 1) ;
  assert_got(r2, "U") ;
  ck_assert(exists(p1)) ;
  close(dfd) ;
}
END_TEST

START_TEST (test_ftrig_notify_bad_fd)
{
  errno = 0 ;
  ck_assert_int_eq(nci_ftrig_notify(-1, "x", 1), -1) ;
  ck_assert_int_eq(errno, EBADF) ;
}
END_TEST

/* s6-ftrig-notify (s6's notifier) reaches our listener. */
START_TEST (test_ftrig_s6_notify_reaches_nci)
{
  char p[PATH_MAX], cmd[PATH_MAX + 64] ;
  int r, w ;
  ck_assert_int_eq(nci_ftrig_mkdir(ev), 1) ;
  r = nci_ftrig_listen(ev, &w, p) ;
  ck_assert_int_ge(r, 0) ;
  snprintf(cmd, sizeof cmd, "/usr/bin/s6-ftrig-notify %s uU", ev) ;
  ck_assert_int_eq(system(cmd), 0) ;
  assert_got(r, "uU") ;
}
END_TEST

/* Our notifier reaches s6-ftrig-wait (s6's listener, through s6-ftrigrd). */
START_TEST (test_ftrig_nci_notify_reaches_s6)
{
  int pfd[2], dfd, status, n = 0 ;
  char out[16] ;
  ssize_t len ;
  pid_t pid ;
  ck_assert_int_eq(nci_ftrig_mkdir(ev), 1) ;
  ck_assert_int_eq(pipe(pfd), 0) ;
  pid = fork() ;
  ck_assert_int_ge(pid, 0) ;
  if (!pid)
  {
    dup2(pfd[1], 1) ;
    close(pfd[0]) ;
    close(pfd[1]) ;
    execl("/usr/bin/s6-ftrig-wait", "s6-ftrig-wait", "-t", "10000", ev, "U", (char *)0) ;
    _exit(127) ;
  }
  close(pfd[1]) ;
  dfd = open_ev() ;
  /* its FIFO appears once s6-ftrigrd has subscribed: until then, nothing to reach */
  for (unsigned int i = 0 ; i < 1000 && !n ; i++)
  {
    struct timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 } ;
    n = nci_ftrig_notify(dfd, "d", 1) ;
    ck_assert_int_ge(n, 0) ;
    if (!n) nanosleep(&ts, 0) ;
  }
  ck_assert_int_eq(n, 1) ;
  ck_assert_int_eq(nci_ftrig_notify(dfd, "U", 1), 1) ;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid) ;
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "s6-ftrig-wait: wait status %d", status) ;
  len = read(pfd[0], out, sizeof out) ;
  ck_assert_int_ge(len, 1) ;
  ck_assert_int_eq(out[0], 'U') ;
  close(pfd[0]) ;
  close(dfd) ;
}
END_TEST

int main (void)
{
  Suite *s = suite_create("ftrig") ;
  TCase *tc = tcase_create("fifodir") ;
  TCase *s6 = tcase_create("s6") ;
  tcase_add_checked_fixture(tc, setup, teardown) ;
  tcase_add_test(tc, test_ftrig_mkdir) ;
  tcase_add_test(tc, test_ftrig_listen_name) ;
  tcase_add_test(tc, test_ftrig_listen_errors) ;
  tcase_add_test(tc, test_ftrig_notify_two) ;
  tcase_add_test(tc, test_ftrig_notify_many) ;
  tcase_add_test(tc, test_ftrig_dead_unlinked) ;
  tcase_add_test(tc, test_ftrig_others_left_alone) ;
  tcase_add_test(tc, test_ftrig_full_fifo) ;
  tcase_add_test(tc, test_ftrig_notify_bad_fd) ;
  tcase_add_checked_fixture(s6, setup, teardown) ;
  tcase_set_timeout(s6, 20) ;
  tcase_add_test(s6, test_ftrig_s6_notify_reaches_nci) ;
  tcase_add_test(s6, test_ftrig_nci_notify_reaches_s6) ;
  suite_add_tcase(s, tc) ;
  suite_add_tcase(s, s6) ;
  return check_run(s) ;
}
