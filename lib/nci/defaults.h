#ifndef NCI_DEFAULTS_H
#define NCI_DEFAULTS_H

/* The value a tree file stands for when nci-convert did not write it: systemd's
   defaults (doc/tree.md). Times in milliseconds, 0 = none. */
#define NCI_DEFAULT_RESTART "no"
#define NCI_DEFAULT_RESTART_MS 100
#define NCI_DEFAULT_START_LIMIT_BURST 5
#define NCI_DEFAULT_START_LIMIT_INTERVAL_MS 10000
#define NCI_DEFAULT_TIMEOUT_START_MS 90000
#define NCI_DEFAULT_TIMEOUT_START_ONESHOT_MS 0
#define NCI_DEFAULT_TIMEOUT_KILL_MS 90000
#define NCI_DEFAULT_DOWN_SIGNAL "SIGTERM"
#define NCI_DEFAULT_KILL_MODE "control-group"
#define NCI_DEFAULT_ACTION "none"
#define NCI_DEFAULT_READINESS "simple"
#define NCI_DEFAULT_REMAIN_AFTER_EXIT "no"

#endif
