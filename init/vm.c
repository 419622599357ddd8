#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/signal.h>
#include "init.h"

/* PID 1 of a machine (the initial PID namespace, where kernel threads such as
   kthreadd, PID 2, are visible) rather than of a container: nci-init mounts the
   API filesystems that are missing and ends by powering off.

   PID 1 of a machine must never exit: the kernel would panic. nci-init itself
   exits on every fatal error (wrong usage, a missing or invalid tree, an
   unwritable state directory, no memory: strerr_die* calls _exit), and a
   process can be killed (the OOM killer, a kill -9). So once the machine is
   set up, PID 1 forks: the child is nci-init proper, in the subreaper mode it
   has when started from a shell, and PID 1 only passes signals on to it and
   reaps, until it ends however it ends; then PID 1 stops what is left and
   powers off. That part does nothing that can end it: no allocation, no
   skalibs buffer, and a failing system call is reported and got past. */

static void mount_if_missing (char const *target, char const *type, unsigned long flags, char const *data)
{
  struct stat st, parent ;
  if (mkdir(target, 0755) < 0 && errno != EEXIST) { strerr_warnwu2sys("mkdir ", target) ; return ; }
  if (stat(target, &st) < 0 || stat("/", &parent) < 0) return ;
  if (st.st_dev != parent.st_dev) return ;  /* something is mounted there already */
  if (mount(type, target, type, flags, data) < 0) strerr_warnwu2sys("mount ", target) ;
}

static int in_initial_pidns (void)
{
  char buf[64] ;
  ssize_t r ;
  mount_if_missing("/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) ;
  /* a /proc of another PID namespace (unshare --pid --fork without
     --mount-proc) shows its own kthreadd: it must be ours, where we are 1 */
  r = readlink("/proc/self", buf, sizeof buf - 1) ;
  if (r != 1 || buf[0] != '1') return 0 ;
  r = openreadnclose("/proc/2/comm", buf, sizeof buf - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  return !strncmp(buf, "kthreadd", 8) ;
}

/* The kernel gives init the console as fds 0, 1 and 2 only when the root
   has a /dev/console it can open. Left closed, they would be taken by
   nci-init's own files (/dev/null, pipes), its messages would go there, and
   the output of every service would be lost. devtmpfs has the console. */
static void console_fds (void)
{
  for (int fd = 0 ; fd < 3 ; fd++)
  {
    int r ;
    if (fcntl(fd, F_GETFD) >= 0) continue ;
    /* the lowest free number: fd itself, the lower ones being open */
    r = open("/dev/console", O_RDWR | O_NOCTTY) ;
    if (r < 0) r = open("/dev/null", O_RDWR) ;
    if (r < 0) return ;
    if (r != fd) { dup2(r, fd) ; close(r) ; }
  }
}

/* The console is PID 1's only voice: a line, written at once with write(2). */
static void say (char const *level, char const *s1, char const *s2, char const *s3)
{
  char line[256] ;
  char const *part[6] = { PROG, ": ", level, s1, s2, s3 } ;
  size_t n = 0, w = 0 ;
  for (unsigned int i = 0 ; i < 6 ; i++)
  {
    size_t len = strlen(part[i]) ;
    if (len > sizeof line - 1 - n) len = sizeof line - 1 - n ;
    memcpy(line + n, part[i], len) ;
    n += len ;
  }
  line[n++] = '\n' ;
  while (w < n)
  {
    ssize_t r = write(2, line + w, n - w) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r <= 0) return ;  /* no console to tell it on: the power off goes on */
    w += (size_t)r ;
  }
}

static void say_sys (char const *what)
{
  say("warning: unable to ", what, ": ", strerror(errno)) ;
}

static pid_t child ;
static int child_wstat ;

/* Reaps every child that has ended, nci-init's status kept. Returns 1 when
   PID 1 has no child left: then no process is left but the kernel's, every
   other having PID 1 at the top of its ancestry. */
static int reap (void)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = waitpid(-1, &wstat, WNOHANG) ;
    if (pid < 0)
    {
      if (errno == EINTR) continue ;
      if (errno == ECHILD) return 1 ;
      say_sys("reap") ;
      return 0 ;
    }
    if (!pid) return 0 ;
    if (pid == child) { child = 0 ; child_wstat = wstat ; }
  }
}

/* Reaps until no child is left or ms have passed. Signals other than SIGCHLD
   that come meanwhile are dropped: the machine is already stopping. */
static int reap_within (sigset_t const *set, unsigned int ms)
{
  struct timespec end ;
  if (clock_gettime(CLOCK_MONOTONIC, &end) < 0) { say_sys("read the clock") ; return reap() ; }
  end.tv_sec += (time_t)(ms / 1000) ;
  end.tv_nsec += (long)(ms % 1000) * 1000000L ;
  if (end.tv_nsec >= 1000000000L) { end.tv_sec++ ; end.tv_nsec -= 1000000000L ; }
  for (;;)
  {
    struct timespec now, left ;
    if (reap()) return 1 ;
    if (clock_gettime(CLOCK_MONOTONIC, &now) < 0) { say_sys("read the clock") ; return 0 ; }
    left.tv_sec = end.tv_sec - now.tv_sec ;
    left.tv_nsec = end.tv_nsec - now.tv_nsec ;
    if (left.tv_nsec < 0) { left.tv_sec-- ; left.tv_nsec += 1000000000L ; }
    if (left.tv_sec < 0) return 0 ;
    if (sigtimedwait(set, 0, &left) < 0 && errno != EAGAIN && errno != EINTR)
    {
      say_sys("wait for signals") ;
      return 0 ;
    }
  }
}

static void signal_all (int sig, char const *what)
{
  /* ESRCH: the last of them has just gone */
  if (kill(-1, sig) < 0 && errno != ESRCH) say_sys(what) ;
}

/* SIGKILLed processes end at once, unless one is stuck in the kernel (an
   uninterruptible sleep), and that one may never end: power off anyway
   after this rather than hang the machine. */
#define KILL_WAIT_MS 2000

/* The end of the machine, nci-init gone or never started: what is left gets
   SIGTERM and, after --grace as nci-init's own end does, SIGKILL; then sync
   and power off. */
static _Noreturn void vm_end (sigset_t const *set)
{
  if (!reap())
  {
    say("info: ", "sending SIGTERM to the processes left", "", "") ;
    signal_all(SIGTERM, "send SIGTERM to the processes left") ;
    signal_all(SIGCONT, "send SIGCONT to the processes left") ;
    if (!reap_within(set, G.grace_ms))
    {
      say("info: ", "sending SIGKILL to the processes left", "", "") ;
      signal_all(SIGKILL, "send SIGKILL to the processes left") ;
      if (!reap_within(set, KILL_WAIT_MS)) say("warning: ", "processes are left, powering off anyway", "", "") ;
    }
  }
  say("info: ", "powering off", "", "") ;
  sync() ;
  reboot(RB_POWER_OFF) ;
  say_sys("power off") ;
  /* exiting would panic the kernel: a halted machine is the lesser evil */
  for (;;) pause() ;
}

/* PID 1 while nci-init runs: it passes on the signals sent to PID 1 (nci-init
   traps them all) and reaps what reaches it, nci-init's descendants going to
   nci-init itself, their subreaper. */
static _Noreturn void vm_pid1 (sigset_t const *set)
{
  while (child)
  {
    int sig = sigwaitinfo(set, 0) ;
    if (sig < 0)
    {
      if (errno == EINTR) continue ;
      say_sys("wait for signals") ;
      vm_end(set) ;
    }
    if (sig == SIGCHLD) reap() ;
    else if (kill(child, sig) < 0 && errno != ESRCH) say_sys("pass a signal on to nci-init") ;
  }
  if (WIFSIGNALED(child_wstat))
  {
    char name[NCI_SIGNAL_NAME_MAX] ;
    nci_signal_name(WTERMSIG(child_wstat), name) ;
    say("info: ", "killed by ", name, "") ;
  }
  else
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, (unsigned int)WEXITSTATUS(child_wstat))] = 0 ;
    say("info: ", "exited with code ", fmt, "") ;
  }
  vm_end(set) ;
}

void vm_init (void)
{
  sigset_t set ;
  pid_t pid ;
  if (!in_initial_pidns()) return ;
  mount_if_missing("/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) ;
  mount_if_missing("/dev", "devtmpfs", MS_NOSUID, "mode=0755") ;
  console_fds() ;
  mount_if_missing("/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") ;
  /* Ctrl-Alt-Del would otherwise reboot the machine at once, the services
     not stopped and nothing synced; this way the kernel sends SIGINT to
     PID 1, a clean stop: how a VM's host asks it to stop (qemu's
     "sendkey ctrl-alt-delete", virsh send-key) when nothing in the guest
     handles the ACPI power button */
  if (reboot(RB_DISABLE_CAD) < 0) strerr_warnwu1sys("make Ctrl-Alt-Del a signal to PID 1") ;

  /* nci-init's stop signals and the ones it passes on to a command. Blocked
     (main did already): PID 1 without a handler would drop one that came
     before it waits; blocked, it stays pending for sigwaitinfo. */
  signals_fill(&set) ;
  if (sigprocmask(SIG_BLOCK, &set, 0) < 0) { say_sys("block signals") ; vm_end(&set) ; }
  pid = fork() ;
  if (pid < 0) { say_sys("fork nci-init") ; vm_end(&set) ; }
  if (!pid)
  {
    /* nci-init proper, started as from a shell. The signals stay blocked:
       one PID 1 forwards while the tree loads waits in nci-init's signalfd
       instead of ending it by its default action. */
    return ;
  }
  child = pid ;
  vm_pid1(&set) ;
}
