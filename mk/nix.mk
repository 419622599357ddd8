# The Nix layer's checks (overlay.nix, default.nix, flake.nix, nixos-module/).
#
# nix-check runs in `make check`: it needs only Debian's nix-instantiate, no
# nixpkgs and no Nix store (tests/nix/run keeps Nix's state in a scratch dir).
# check-nix evaluates the real images and VM tests against a nixpkgs checkout:
#   NCI_NIXPKGS=/path/to/nixpkgs make check-nix

.PHONY: nix-check check-nix
check-extra:: nix-check

nix-check: $(B)/nci-convert
	@tests/nix/run $(B)

# With a nixpkgs: instantiate every image, its .init and .tree, and the VM
# tests (derivations written to the Nix store, nothing built), then give each
# image's service map to nci-convert, which must accept it.
check-nix: $(B)/nci-convert
	@if [ -z "$(NCI_NIXPKGS)" ]; then echo "check-nix: set NCI_NIXPKGS to a nixpkgs checkout" >&2; exit 100; fi
	@set -e; for image in example example-systemd nginx; do \
	  for attr in dockerImages.$$image dockerImages.$$image.init dockerImages.$$image.tree; do \
	    nix-instantiate --show-trace --arg nixpkgs "$(abspath $(NCI_NIXPKGS))" -A $$attr default.nix > /dev/null; \
	    echo "check-nix: $$attr instantiates"; \
	  done; \
	  nix-instantiate --show-trace --eval --strict --json --arg nixpkgs "$(abspath $(NCI_NIXPKGS))" \
	    -A dockerImages.$$image.services default.nix > $(B)/check-nix-$$image.json; \
	  $(B)/nci-convert --report $(B)/check-nix-$$image.report $(B)/check-nix-$$image.json $(B)/check-nix-$$image.tree; \
	  echo "check-nix: dockerImages.$$image.services accepted by nci-convert"; \
	done
	@nix-instantiate --show-trace --arg nixpkgs "$(abspath $(NCI_NIXPKGS))" -A nci -A nci-static -A tests default.nix > /dev/null
	@echo "check-nix: nci, nci-static and tests instantiate"
