/* supervise/control: s6-svc's one-byte commands (s6-svc -abqhkti12pcyroduDUxOQ),
   and any other byte ignored, never a crash. */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "check_run.h"
#include <nci/control.h>

#define S6_SVC_BYTES "abqhkti12pcyroduDUxOQ"

static struct { char c ; enum nci_control_kind_e kind ; int sig ; } const table[] =
{
  { 'a', NCI_CONTROL_SIGNAL, SIGALRM },
  { 'b', NCI_CONTROL_SIGNAL, SIGABRT },
  { 'q', NCI_CONTROL_SIGNAL, SIGQUIT },
  { 'h', NCI_CONTROL_SIGNAL, SIGHUP },
  { 'k', NCI_CONTROL_SIGNAL, SIGKILL },
  { 't', NCI_CONTROL_SIGNAL, SIGTERM },
  { 'i', NCI_CONTROL_SIGNAL, SIGINT },
  { '1', NCI_CONTROL_SIGNAL, SIGUSR1 },
  { '2', NCI_CONTROL_SIGNAL, SIGUSR2 },
  { 'p', NCI_CONTROL_SIGNAL, SIGSTOP },
  { 'c', NCI_CONTROL_SIGNAL, SIGCONT },
  { 'y', NCI_CONTROL_SIGNAL, SIGWINCH },
  { 'r', NCI_CONTROL_RESTART, 0 },
  { 'o', NCI_CONTROL_ONCE, 0 },
  { 'd', NCI_CONTROL_DOWN, 0 },
  { 'u', NCI_CONTROL_UP, 0 },
  { 'D', NCI_CONTROL_DOWN_MARK, 0 },
  { 'U', NCI_CONTROL_UP_MARK, 0 },
  { 'x', NCI_CONTROL_EXIT, 0 },
  { 'O', NCI_CONTROL_ONCE_AT_MOST, 0 },
  { 'Q', NCI_CONTROL_ONCE_AT_MOST_MARK, 0 },
  { 'F', NCI_CONTROL_FAIL, 0 },
} ;
#define NTABLE (sizeof table / sizeof table[0])

/* What any byte must decode to, from the table alone. */
static void check_byte (unsigned char c)
{
  nci_control r = nci_control_parse(c) ;
  for (unsigned int i = 0 ; i < NTABLE ; i++)
  {
    if ((unsigned char)table[i].c != c) continue ;
    ck_assert_msg(r.kind == table[i].kind, "byte '%c': kind %d, want %d", c, (int)r.kind, (int)table[i].kind) ;
    if (r.kind == NCI_CONTROL_SIGNAL) ck_assert_msg(r.sig == table[i].sig, "byte '%c': signal %d, want %d", c, r.sig, table[i].sig) ;
    return ;
  }
  ck_assert_msg(r.kind == NCI_CONTROL_IGNORE, "byte 0x%02x: kind %d, want ignored", c, (int)r.kind) ;
}

START_TEST (test_control_table)
{
  nci_control r = nci_control_parse((unsigned char)table[_i].c) ;
  ck_assert_int_eq(r.kind, table[_i].kind) ;
  if (r.kind == NCI_CONTROL_SIGNAL) ck_assert_int_eq(r.sig, table[_i].sig) ;
}
END_TEST

/* Every command s6-svc can send is understood, and the table has no others. */
START_TEST (test_control_s6_svc_bytes)
{
  char const *p = S6_SVC_BYTES ;
  /* and nci's own F */
  ck_assert_uint_eq(strlen(S6_SVC_BYTES) + 1, NTABLE) ;
  for (; *p ; p++)
  {
    ck_assert_msg(nci_control_parse((unsigned char)*p).kind != NCI_CONTROL_IGNORE, "s6-svc -%c ignored", *p) ;
    check_byte((unsigned char)*p) ;
  }
}
END_TEST

START_TEST (test_control_every_byte)
{
  check_byte((unsigned char)_i) ;
}
END_TEST

START_TEST (test_control_unknown)
{
  static char const unknown[] = "\0\n \x7f\xff\x80" "eEfgGHIjJKlLmMnNPRsSTvVwWXYzZ03456789-+.;" ;
  for (size_t i = 0 ; i < sizeof unknown - 1 ; i++)
    ck_assert_int_eq(nci_control_parse((unsigned char)unknown[i]).kind, NCI_CONTROL_IGNORE) ;
}
END_TEST

/* Random bytes as a broken or hostile writer would send them: each decodes as the
   table says, a signal always a real one. */
START_TEST (test_control_fuzz)
{
  unsigned int seed = 0x5eed0000u + (unsigned int)_i ;
  unsigned int counts[256] = { 0 } ;
  for (unsigned int n = 0 ; n < 100000 ; n++)
  {
    unsigned char c = (unsigned char)(rand_r(&seed) >> 7) ;
    nci_control r = nci_control_parse(c) ;
    counts[c]++ ;
    ck_assert(r.kind >= NCI_CONTROL_IGNORE && r.kind <= NCI_CONTROL_FAIL) ;
    if (r.kind == NCI_CONTROL_SIGNAL) ck_assert(r.sig > 0 && r.sig < NSIG) ;
    check_byte(c) ;
  }
  for (unsigned int c = 0 ; c < 256 ; c++) ck_assert_msg(counts[c] > 0, "byte %u never drawn", c) ;
}
END_TEST

START_TEST (test_control_byte_for_signal)
{
  if (table[_i].kind != NCI_CONTROL_SIGNAL) return ;
  ck_assert_int_eq(nci_control_byte_for_signal(table[_i].sig), table[_i].c) ;
  ck_assert_int_eq(nci_control_parse((unsigned char)nci_control_byte_for_signal(table[_i].sig)).sig, table[_i].sig) ;
}
END_TEST

START_TEST (test_control_no_byte)
{
  int const none[] = { 0, -1, SIGSEGV, SIGPIPE, SIGCHLD, SIGTSTP, SIGTTIN, SIGBUS, SIGPWR, SIGRTMIN, SIGRTMIN + 3, SIGRTMAX, NSIG, 1000 } ;
  for (size_t i = 0 ; i < sizeof none / sizeof none[0] ; i++)
    ck_assert_msg(nci_control_byte_for_signal(none[i]) == 0, "signal %d has a byte", none[i]) ;
}
END_TEST

int main (void)
{
  Suite *s = suite_create("control") ;
  TCase *tc = tcase_create("core") ;
  tcase_add_loop_test(tc, test_control_table, 0, NTABLE) ;
  tcase_add_test(tc, test_control_s6_svc_bytes) ;
  tcase_add_loop_test(tc, test_control_every_byte, 0, 256) ;
  tcase_add_test(tc, test_control_unknown) ;
  tcase_add_loop_test(tc, test_control_fuzz, 0, 4) ;
  tcase_add_loop_test(tc, test_control_byte_for_signal, 0, NTABLE) ;
  tcase_add_test(tc, test_control_no_byte) ;
  suite_add_tcase(s, tc) ;
  return check_run(s) ;
}
