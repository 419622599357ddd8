/* The orphan-reaping benchmark, run as an init's main command (bench/init.sh).
   A child of ours forks M processes that wait, then exits: they are orphans, now
   children of PID 1. One SIGKILL to their process group then ends them all at
   once, and we wait until the last of them is gone, i.e. reaped by PID 1 (a zombie
   still answers kill(pid, 0)).

   orphans M FILE: writes "M MICROSECONDS" to FILE, from the SIGKILL until none is
     left. That time is mostly the kernel ending M processes, with the init reaping
     alongside.
   orphans M FILE READY GO: the init's part alone. Once the orphans are made, writes
     a byte to the FIFO READY and reads one from the FIFO GO, meanwhile the benchmark
     stops the init (SIGSTOP); then kills them and waits until every one is a zombie,
     writes a byte to READY (the benchmark then continues the init, noting the time),
     waits until none is left and writes "M REALTIME-MICROSECONDS" of that moment to
     FILE.
   Exits 1 if some were still there after 30 s. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000 ;
}

static void die (char const *what)
{
  perror(what) ;
  exit(111) ;
}

static void sync_byte (char const *fifo, int writing)
{
  char c = 'x' ;
  int fd = open(fifo, writing ? O_WRONLY : O_RDONLY) ;
  if (fd < 0) die("orphans: open a FIFO") ;
  if ((writing ? write(fd, &c, 1) : read(fd, &c, 1)) != 1) die("orphans: sync with the benchmark") ;
  close(fd) ;
}

/* Until each of pids is a zombie or gone: a pidfd is readable from then on. */
static void wait_exited (pid_t const *pids, long m)
{
  struct rlimit rl ;
  struct epoll_event ev[256] ;
  int ep = epoll_create1(EPOLL_CLOEXEC) ;
  long left = m ;
  if (ep < 0) die("orphans: epoll_create1") ;
  if (getrlimit(RLIMIT_NOFILE, &rl) < 0) die("orphans: getrlimit") ;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)m + 16)
  { fprintf(stderr, "orphans: %ld pidfds are needed, the file limit is %lu\n", m, (unsigned long)rl.rlim_max) ; exit(111) ; }
  rl.rlim_cur = rl.rlim_max ;
  if (setrlimit(RLIMIT_NOFILE, &rl) < 0) die("orphans: setrlimit") ;
  for (long i = 0 ; i < m ; i++)
  {
    int fd = (int)syscall(SYS_pidfd_open, pids[i], 0) ;
    struct epoll_event e = { .events = EPOLLIN, .data.fd = fd } ;
    if (fd < 0) die("orphans: pidfd_open") ;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0) die("orphans: epoll_ctl") ;
  }
  while (left)
  {
    int r = epoll_wait(ep, ev, 256, 30000) ;
    if (r < 0) die("orphans: epoll_wait") ;
    if (!r) { fprintf(stderr, "orphans: %ld of %ld still alive after 30 s\n", left, m) ; exit(1) ; }
    for (int k = 0 ; k < r ; k++) { close(ev[k].data.fd) ; left-- ; }
  }
  close(ep) ;
}

int main (int argc, char **argv)
{
  struct timespec nap = { 0, 20000 } ;
  long m ;
  pid_t *pids, group ;
  long long t0, t1, deadline ;
  int paused = argc >= 5 ;
  FILE *out ;
  if (argc < 3 || (m = strtol(argv[1], 0, 10)) <= 0) { fputs("usage: orphans M FILE [READY GO]\n", stderr) ; return 100 ; }
  pids = mmap(0, (size_t)m * sizeof *pids, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0) ;
  if (pids == MAP_FAILED) die("orphans: mmap") ;
  group = fork() ;
  if (group < 0) die("orphans: fork") ;
  if (!group)
  {
    setpgid(0, 0) ;
    for (long i = 0 ; i < m ; i++)
    {
      pid_t pid = fork() ;
      if (pid < 0) { perror("orphans: fork") ; kill(0, SIGKILL) ; }
      if (!pid) for (;;) pause() ;
      pids[i] = pid ;
    }
    _exit(0) ;
  }
  {
    int wstat ;
    if (waitpid(group, &wstat, 0) != group || !WIFEXITED(wstat) || WEXITSTATUS(wstat))
    { fputs("orphans: could not make the orphans\n", stderr) ; return 111 ; }
  }
  if (paused)
  {
    sync_byte(argv[3], 1) ;
    sync_byte(argv[4], 0) ;
    kill(-group, SIGKILL) ;
    wait_exited(pids, m) ;
    sync_byte(argv[3], 1) ;
  }
  else
  {
    /* let the forks settle, so that what follows is the exits and the reaping only */
    struct timespec settle = { 0, 200000000 } ;
    nanosleep(&settle, 0) ;
  }
  t0 = now_us() ;
  deadline = t0 + 30000000LL ;
  if (!paused) kill(-group, SIGKILL) ;
  for (long i = 0 ; i < m ; i++)
    while (!kill(pids[i], 0))
    {
      if (now_us() > deadline) { fprintf(stderr, "orphans: %ld of %ld still there after 30 s\n", m - i, m) ; return 1 ; }
      nanosleep(&nap, 0) ;
    }
  if (paused)
  {
    struct timeval tv ;
    gettimeofday(&tv, 0) ;
    t1 = (long long)tv.tv_sec * 1000000LL + tv.tv_usec ;
  }
  else t1 = now_us() - t0 ;
  out = fopen(argv[2], "w") ;
  if (!out || fprintf(out, "%ld %lld\n", m, t1) < 0 || fclose(out)) die("orphans: write") ;
  return 0 ;
}
