#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>

#include "init.h"

/* PID 1 of a machine (the initial PID namespace, where kernel threads such as
   kthreadd, PID 2, are visible) rather than of a container: nci-init mounts the
   API filesystems that are missing and ends by powering off. */

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

void vm_setup (void)
{
  if (!G.pid1 || !in_initial_pidns()) return ;
  G.vm = 1 ;
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
}

void vm_poweroff (void)
{
  ilog("powering off", 0, 0, 0) ;
  sync() ;
  reboot(RB_POWER_OFF) ;
  strerr_diefu1sys(111, "power off") ;
}
