# nci-init in real containers: OCI bundles run by runc and crun, a dockerTools-style
# image loaded and run by podman, the same image through skopeo and umoci, and the pod
# spec of doc/kubernetes.md configured as a kubelet would under runc (tests/oci/).
# tools/deps (make deps) installs runc, crun, podman, skopeo, umoci and busybox-static.
#
# Once per make check, on the normal build: the sanitizer build's programs would need
# their runtime libraries in the containers' root, and its suites are the integration ones.

.PHONY: oci-check
check-extra:: oci-check

oci-check: $(PROGS) $(HELPER_BIN)
	@NCI_BUILD=$(abspath $(B)) EXECLINE_BINDIR=$(EXECLINE_BINDIR) tools/run-integration oci $(filter-out tests/oci/lib.sh,$(sort $(wildcard tests/oci/*.sh)))
