/* supervise/status: the 35-byte layout s6-supervise 2.11 writes and s6-svstat reads
   (s6's doc: TAI64N stamp, TAI64N readystamp, pid and wait status big-endian, flags),
   and its atomic write. tests/integration/s6-codec.sh has s6-svstat read it. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <check.h>
#include "check_run.h"
#include <nci/svstatus.h>

#define TEMPLATE "/tmp/nci-test-svstatus.XXXXXX"
static char dir[] = TEMPLATE ;
static char path[PATH_MAX] ;

static char const *at (char const *name)
{
  snprintf(path, sizeof path, "%s/supervise/%s", dir, name) ;
  return path ;
}

static void setup (void)
{
  char sub[PATH_MAX] ;
  memcpy(dir, TEMPLATE, sizeof dir) ;
  ck_assert_ptr_nonnull(mkdtemp(dir)) ;
  snprintf(sub, sizeof sub, "%s/supervise", dir) ;
  ck_assert_int_eq(mkdir(sub, 0700), 0) ;
}

static void teardown (void)
{
  char cmd[PATH_MAX + 16] ;
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir) ;
  ck_assert_int_eq(system(cmd), 0) ;
}

static void put_file (char const *name, char const *s, size_t len, mode_t mode)
{
  int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, mode) ;
  ck_assert_int_ge(fd, 0) ;
  ck_assert_int_eq(write(fd, s, len), (ssize_t)len) ;
  ck_assert_int_eq(close(fd), 0) ;
}

static void assert_same (nci_svstatus const *a, nci_svstatus const *b)
{
  ck_assert(a->stamp.sec.x == b->stamp.sec.x) ;
  ck_assert_uint_eq(a->stamp.nano, b->stamp.nano) ;
  ck_assert(a->readystamp.sec.x == b->readystamp.sec.x) ;
  ck_assert_uint_eq(a->readystamp.nano, b->readystamp.nano) ;
  ck_assert_int_eq(a->pid, b->pid) ;
  ck_assert_int_eq(a->wstat, b->wstat) ;
  ck_assert_uint_eq(a->flags, b->flags) ;
}

/* Every byte spelled out from the format, not from skalibs: TAI64N is the 8-byte
   big-endian TAI64 label (2^62 + seconds) then 4 bytes of nanoseconds. */
START_TEST (test_svstatus_layout)
{
  nci_svstatus sv =
  {
    .stamp = { .sec = { .x = 0x4000000065a1b2c3ULL }, .nano = 123456789 },
    .readystamp = { .sec = { .x = 0x4000000065a1b2c4ULL }, .nano = 999999999 },
    .pid = 0x12345,
    .wstat = 0x0300,
    .flags = NCI_SVSTATUS_WANTUP | NCI_SVSTATUS_READY,
  } ;
  static unsigned char const want[NCI_SVSTATUS_SIZE] =
  {
    0x40, 0x00, 0x00, 0x00, 0x65, 0xa1, 0xb2, 0xc3, 0x07, 0x5b, 0xcd, 0x15,
    0x40, 0x00, 0x00, 0x00, 0x65, 0xa1, 0xb2, 0xc4, 0x3b, 0x9a, 0xc9, 0xff,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x23, 0x45,
    0x03, 0x00,
    0x0c,
  } ;
  char pack[NCI_SVSTATUS_SIZE] ;
  nci_svstatus_pack(pack, &sv) ;
  for (unsigned int i = 0 ; i < NCI_SVSTATUS_SIZE ; i++)
    ck_assert_msg((unsigned char)pack[i] == want[i], "byte %u: %02x, want %02x", i, (unsigned char)pack[i], want[i]) ;
}
END_TEST

/* s6-supervise's flag byte: paused 1, finishing 2, wanted up 4, ready 8. */
START_TEST (test_svstatus_flag_bits)
{
  static unsigned char const flag[4] = { NCI_SVSTATUS_PAUSED, NCI_SVSTATUS_FINISHING, NCI_SVSTATUS_WANTUP, NCI_SVSTATUS_READY } ;
  nci_svstatus sv = { .flags = flag[_i] } ;
  char pack[NCI_SVSTATUS_SIZE] ;
  nci_svstatus_pack(pack, &sv) ;
  ck_assert_uint_eq((unsigned char)pack[34], 1u << _i) ;
}
END_TEST

/* What a wait status looks like in bytes 32-33: exit code in the high byte, signal
   in the low 7 bits, the core flag 0x80. */
START_TEST (test_svstatus_wstat_bytes)
{
  static struct { int wstat ; unsigned char hi, lo ; } const w[] =
  {
    { 0, 0, 0 }, { 3 << 8, 3, 0 }, { 255 << 8, 255, 0 }, { 9, 0, 9 }, { 11 | 0x80, 0, 0x8b }, { 15, 0, 15 },
  } ;
  nci_svstatus sv = { .wstat = w[_i].wstat } ;
  nci_svstatus back ;
  char pack[NCI_SVSTATUS_SIZE] ;
  nci_svstatus_pack(pack, &sv) ;
  ck_assert_uint_eq((unsigned char)pack[32], w[_i].hi) ;
  ck_assert_uint_eq((unsigned char)pack[33], w[_i].lo) ;
  nci_svstatus_unpack(pack, &back) ;
  ck_assert_int_eq(back.wstat, w[_i].wstat) ;
  ck_assert_int_eq(WIFEXITED(back.wstat), WIFEXITED(w[_i].wstat)) ;
  ck_assert_int_eq(WIFSIGNALED(back.wstat), WIFSIGNALED(w[_i].wstat)) ;
}
END_TEST

START_TEST (test_svstatus_round_trip)
{
  unsigned int seed = 12345 + (unsigned int)_i ;
  nci_svstatus sv, back ;
  char pack[NCI_SVSTATUS_SIZE] ;
  sv.stamp.sec.x = ((uint64_t)rand_r(&seed) << 32) | (uint64_t)rand_r(&seed) ;
  sv.stamp.nano = (uint32_t)rand_r(&seed) % 1000000000u ;
  sv.readystamp.sec.x = ((uint64_t)rand_r(&seed) << 32) | (uint64_t)rand_r(&seed) ;
  sv.readystamp.nano = (uint32_t)rand_r(&seed) % 1000000000u ;
  sv.pid = _i == 0 ? 0 : _i == 1 ? 1 : _i == 2 ? 4194304 : _i == 3 ? 2147483647 : (pid_t)(rand_r(&seed) % 4194304) ;
  sv.wstat = rand_r(&seed) & 0xffff ;
  sv.flags = (unsigned char)(_i & 15) ;
  memset(&back, 0xa5, sizeof back) ;
  nci_svstatus_pack(pack, &sv) ;
  nci_svstatus_unpack(pack, &back) ;
  assert_same(&sv, &back) ;
}
END_TEST

START_TEST (test_svstatus_write_read)
{
  nci_svstatus sv = { .stamp = { { 0x4000000065000000ULL }, 5 }, .readystamp = { { 0x4000000065000001ULL }, 6 }, .pid = 4321, .wstat = 0, .flags = NCI_SVSTATUS_WANTUP } ;
  nci_svstatus back ;
  char raw[64] ;
  char pack[NCI_SVSTATUS_SIZE] ;
  struct stat st ;
  int fd ;
  ck_assert_int_eq(nci_svstatus_write(dir, &sv), 1) ;
  ck_assert_int_eq(stat(at("status"), &st), 0) ;
  ck_assert(S_ISREG(st.st_mode)) ;
  ck_assert_int_eq(st.st_mode & 07777, 0600) ;
  ck_assert_int_eq(st.st_size, NCI_SVSTATUS_SIZE) ;
  ck_assert_int_eq(access(at("status.new"), F_OK), -1) ;
  fd = open(at("status"), O_RDONLY) ;
  ck_assert_int_ge(fd, 0) ;
  ck_assert_int_eq(read(fd, raw, sizeof raw), NCI_SVSTATUS_SIZE) ;
  close(fd) ;
  nci_svstatus_pack(pack, &sv) ;
  ck_assert(!memcmp(raw, pack, NCI_SVSTATUS_SIZE)) ;
  ck_assert_int_eq(nci_svstatus_read(dir, &back), 1) ;
  assert_same(&sv, &back) ;
}
END_TEST

/* A reader that opened the old file keeps reading the old bytes: the new file is
   renamed over it, never written in place. */
START_TEST (test_svstatus_atomic)
{
  nci_svstatus a = { .pid = 1, .flags = NCI_SVSTATUS_WANTUP } ;
  nci_svstatus b = { .pid = 2, .wstat = 1 << 8 } ;
  char pa[NCI_SVSTATUS_SIZE], raw[64] ;
  struct stat before, after ;
  int fd ;
  ck_assert_int_eq(nci_svstatus_write(dir, &a), 1) ;
  ck_assert_int_eq(stat(at("status"), &before), 0) ;
  fd = open(at("status"), O_RDONLY) ;
  ck_assert_int_ge(fd, 0) ;
  ck_assert_int_eq(nci_svstatus_write(dir, &b), 1) ;
  ck_assert_int_eq(stat(at("status"), &after), 0) ;
  ck_assert(before.st_ino != after.st_ino) ;
  ck_assert_int_eq(read(fd, raw, sizeof raw), NCI_SVSTATUS_SIZE) ;
  close(fd) ;
  nci_svstatus_pack(pa, &a) ;
  ck_assert(!memcmp(raw, pa, NCI_SVSTATUS_SIZE)) ;
}
END_TEST

/* 0600 whatever the umask, and whatever mode a status.new left over had. */
START_TEST (test_svstatus_mode)
{
  nci_svstatus sv = { .pid = 7 } ;
  struct stat st ;
  umask(0) ;
  ck_assert_int_eq(nci_svstatus_write(dir, &sv), 1) ;
  ck_assert_int_eq(stat(at("status"), &st), 0) ;
  ck_assert_int_eq(st.st_mode & 07777, 0600) ;
  umask(0277) ;
  ck_assert_int_eq(nci_svstatus_write(dir, &sv), 1) ;
  ck_assert_int_eq(stat(at("status"), &st), 0) ;
  ck_assert_int_eq(st.st_mode & 07777, 0600) ;
  umask(022) ;
  put_file("status.new", "junk", 4, 0644) ;
  ck_assert_int_eq(chmod(at("status.new"), 0666), 0) ;
  ck_assert_int_eq(nci_svstatus_write(dir, &sv), 1) ;
  ck_assert_int_eq(stat(at("status"), &st), 0) ;
  ck_assert_int_eq(st.st_mode & 07777, 0600) ;
  ck_assert_int_eq(st.st_size, NCI_SVSTATUS_SIZE) ;
}
END_TEST

START_TEST (test_svstatus_relative_dir)
{
  nci_svstatus sv = { .pid = 99, .flags = NCI_SVSTATUS_READY }, back ;
  ck_assert_int_eq(chdir(dir), 0) ;
  ck_assert_int_eq(nci_svstatus_write(".", &sv), 1) ;
  ck_assert_int_eq(nci_svstatus_read(".", &back), 1) ;
  assert_same(&sv, &back) ;
  ck_assert_int_eq(access("supervise/status", F_OK), 0) ;
}
END_TEST

START_TEST (test_svstatus_wrong_size)
{
  static size_t const sizes[] = { 0, 1, 34, 36, 100 } ;
  char junk[100] ;
  nci_svstatus back = { .pid = 5 } ;
  memset(junk, 1, sizeof junk) ;
  put_file("status", junk, sizes[_i], 0600) ;
  errno = 0 ;
  ck_assert_int_eq(nci_svstatus_read(dir, &back), 0) ;
  ck_assert_int_eq(errno, EPROTO) ;
  ck_assert_int_eq(back.pid, 5) ;
}
END_TEST

START_TEST (test_svstatus_errors)
{
  nci_svstatus sv = { .pid = 1 } ;
  char sub[PATH_MAX] ;
  char longdir[PATH_MAX + 8] ;
  errno = 0 ;
  ck_assert_int_eq(nci_svstatus_read(dir, &sv), 0) ;
  ck_assert_int_eq(errno, ENOENT) ;
  /* a status that is a directory: the rename fails, and no status.new stays */
  ck_assert_int_eq(mkdir(at("status"), 0700), 0) ;
  ck_assert_int_eq(mkdir(at("status/x"), 0700), 0) ;
  errno = 0 ;
  ck_assert_int_eq(nci_svstatus_write(dir, &sv), 0) ;
  ck_assert(errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) ;
  ck_assert_int_eq(access(at("status.new"), F_OK), -1) ;
  /* no supervise/ at all */
  snprintf(sub, sizeof sub, "%s/nothere", dir) ;
  errno = 0 ;
  ck_assert_int_eq(nci_svstatus_write(sub, &sv), 0) ;
  ck_assert_int_eq(errno, ENOENT) ;
  memset(longdir, 'a', sizeof longdir - 1) ;
  longdir[sizeof longdir - 1] = 0 ;
  errno = 0 ;
  ck_assert_int_eq(nci_svstatus_write(longdir, &sv), 0) ;
  ck_assert_int_eq(errno, ENAMETOOLONG) ;
  errno = 0 ;
  ck_assert_int_eq(nci_svstatus_read(longdir, &sv), 0) ;
  ck_assert_int_eq(errno, ENAMETOOLONG) ;
}
END_TEST

int main (void)
{
  Suite *s = suite_create("svstatus") ;
  TCase *codec = tcase_create("codec") ;
  TCase *file = tcase_create("file") ;
  tcase_add_test(codec, test_svstatus_layout) ;
  tcase_add_loop_test(codec, test_svstatus_flag_bits, 0, 4) ;
  tcase_add_loop_test(codec, test_svstatus_wstat_bytes, 0, 6) ;
  tcase_add_loop_test(codec, test_svstatus_round_trip, 0, 200) ;
  tcase_add_checked_fixture(file, setup, teardown) ;
  tcase_add_test(file, test_svstatus_write_read) ;
  tcase_add_test(file, test_svstatus_atomic) ;
  tcase_add_test(file, test_svstatus_mode) ;
  tcase_add_test(file, test_svstatus_relative_dir) ;
  tcase_add_loop_test(file, test_svstatus_wrong_size, 0, 5) ;
  tcase_add_test(file, test_svstatus_errors) ;
  suite_add_tcase(s, codec) ;
  suite_add_tcase(s, file) ;
  return check_run(s) ;
}
