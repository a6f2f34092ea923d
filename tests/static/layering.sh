#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The planes' arrows point down (ARCHITECTURE.md): every quoted include of
# a plane's file names its own plane or one below it, and what the modules
# loaded into every process link includes only the reading half of the view
# plane and base.
. "$(dirname "$0")/../lib/tap.sh"
src=${CC_SRCDIR:?}

declare -A below=(
	[base]="base"
	[dns]="base dns"
	[config]="base dns config"
	[view]="base config view"
	[view_nss]="base view"
	[identity]="base config identity"
	[fs]="base config fs"
	[cgroup]="base config cgroup"
	[disk]="base config fs disk"
	[cell]="base config view fs cgroup sandbox net cell"
	[sandbox]="base config view sandbox"
	[net]="base dns config net"
	[db]="base config identity db"
	[egress]="base dns config identity db cell net egress"
	[nss_chatcell]="base view"
	[pam_module]="base view pam_chatcell"
)

# check PLANE FILES...: print every include that points up or sideways.
check() {
	local plane=$1 file inc target
	shift
	for file in "$@"; do
		while read -r inc; do
			target=${inc%%/*}
			[[ " ${below[$plane]} " == *" $target "* ]] || echo "${file#"$src"/}: $inc"
		done < <(sed -n 's/^#include "\([a-z_]*\/[a-z_]*\.h\)"/\1/p' "$file")
	done
}

for plane in base dns config view identity fs cgroup disk cell sandbox net egress; do
	findings+=$(check "$plane" "$src"/lib/"$plane"/*.[ch])
done
findings+=$(check db "$src"/db/*.[ch])
findings+=$(check nss_chatcell "$src"/nss_chatcell/*.[ch])
# What libnss_chatcell.so.2 links of the view plane (lib/Makefile.am).
findings+=$(check view_nss "$src"/lib/view/{view_format,view_read,nss_record}.[ch])
findings+=$(check pam_module "$src"/pam_chatcell/pam_chatcell.c)
is "$findings" "" "every plane includes only itself and the planes below it"

# No plane folder is missing from the table above.
run ls "$src/lib"
for dir in $out; do
	[ -d "$src/lib/$dir" ] || continue
	ok "lib/$dir is a known plane" test -n "${below[$dir]:-}"
done
done_testing
