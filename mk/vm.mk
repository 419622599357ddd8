# nci-init's VM mode, booted for real: tests/vm/run boots Debian's kernel under
# qemu with an initramfs whose /init is $(B)/nci-init, and checks on the serial
# console that the machine mounts what it needs, boots its tree and powers off
# by itself. tools/deps (make deps) installs qemu and cpio and fetches the
# kernel into /var/cache/nci-vm/.
#
# Once per make check, on the normal build: the sanitizer build's nci-init would
# need its runtime libraries in the initramfs, and its suites are the
# integration ones. KVM when it can boot the kernel, else TCG (about 6 s a boot).

.PHONY: vm-check
check-extra:: vm-check

vm-check: $(PROGS) $(HELPER_BIN)
	@EXECLINE_BINDIR=$(EXECLINE_BINDIR) tests/vm/run $(B)
