#!/bin/sh
# Fetch the Linux kernel corpus the kernel-scale runners use, outside the
# repository: Debian's linux-source-6.1 package, of which only the parts that
# devicetree work needs are extracted (bindings, dt-bindings headers, the
# include prefixes, arm and arm64 boards).
#
#   scripts/fetch-kernel-corpus.sh [DIR]          (default: ../kernel-6.1)
#   scripts/fetch-kernel-corpus.sh DIR --reference
#
# With --reference it also builds what the comparisons need from the
# reference tools (apt-get install device-tree-compiler dt-schema cpp):
#   DIR/ref/dtb/<board>.dtb   each arm64 board as the kernel builds it
#                             (cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp, then dtc -b 0)
#   DIR/ref/processed.json    dt-mk-schema -j over the bindings
# The kernel tree itself lands in DIR/linux-source-6.1.
set -eu

dir=${1:-../kernel-6.1}
mode=${2:-}
version=6.1
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
src="$dir/linux-source-$version"

if [ ! -d "$src/Documentation/devicetree/bindings" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download "linux-source-$version")
  dpkg-deb -x "$work"/linux-source-"$version"_*.deb "$work/x"
  tar -C "$dir" -xJf "$work/x/usr/src/linux-source-$version.tar.xz" \
    "linux-source-$version/Documentation/devicetree/bindings" \
    "linux-source-$version/include/dt-bindings" \
    "linux-source-$version/include/uapi" \
    "linux-source-$version/scripts/dtc/include-prefixes" \
    "linux-source-$version/arch/arm64/boot/dts" \
    "linux-source-$version/arch/arm/boot/dts"
fi
echo "kernel tree: $src"

[ "$mode" = "--reference" ] || exit 0

ref="$dir/ref"
mkdir -p "$ref/dtb"
if [ ! -s "$ref/processed.json" ]; then
  dt-mk-schema -j "$src/Documentation/devicetree/bindings" > "$ref/processed.json.tmp" 2> "$ref/dt-mk-schema.stderr"
  mv "$ref/processed.json.tmp" "$ref/processed.json"
fi
# One board at a time, as the kernel's Makefile does; a refused board is listed, not fatal.
: > "$ref/refused.txt"
find "$src/arch/arm64/boot/dts" -name '*.dts' | sort | while read -r board; do
  rel=${board#"$src/arch/arm64/boot/dts/"}
  out="$ref/dtb/${rel%.dts}.dtb"
  [ -s "$out" ] && continue
  mkdir -p "$(dirname "$out")"
  if ! cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I "$src/scripts/dtc/include-prefixes" "$board" 2>/dev/null \
      | dtc -q -I dts -O dtb -b 0 -i "$(dirname "$board")" -i "$src/scripts/dtc/include-prefixes" -o "$out.tmp" - 2>/dev/null; then
    echo "$rel" >> "$ref/refused.txt"
    rm -f "$out.tmp"
    continue
  fi
  mv "$out.tmp" "$out"
done
echo "reference blobs: $(find "$ref/dtb" -name '*.dtb' | wc -l) in $ref/dtb ($(wc -l < "$ref/refused.txt") refused)"
