#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <errno.h>
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

void vm_setup (void)
{
  if (!G.pid1 || !in_initial_pidns()) return ;
  G.vm = 1 ;
  mount_if_missing("/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) ;
  mount_if_missing("/dev", "devtmpfs", MS_NOSUID, "mode=0755") ;
  mount_if_missing("/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") ;
}

void vm_poweroff (void)
{
  sync() ;
  reboot(RB_POWER_OFF) ;
  strerr_diefu1sys(111, "power off") ;
}
