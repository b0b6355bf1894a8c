#!/bin/sh
# Post-build hook of base/pre ($1 is Buildroot's target directory): make SSH
# key-only. Editing Buildroot's sshd_config (rather than shipping our own) keeps
# the rest of OpenSSH's defaults of this release.
set -eu
cfg="$1/etc/ssh/sshd_config"
[ -f "$cfg" ] || exit 0
set_option() {
    if grep -q "^#\?$1[ 	]" "$cfg"; then
        sed -i "s/^#\?$1[ 	].*/$1 $2/" "$cfg"
    else
        echo "$1 $2" >> "$cfg"
    fi
}
set_option PermitRootLogin prohibit-password
set_option PasswordAuthentication no
set_option KbdInteractiveAuthentication no
set_option AuthorizedKeysFile .ssh/authorized_keys
