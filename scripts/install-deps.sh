#!/usr/bin/env bash
# Installs the Debian packages marketsim needs, only those that are missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libtbb-dev libeigen3-dev libyaml-cpp-dev libhdf5-dev hdf5-tools
  catch2 librandom123-dev libcli11-dev libfmt-dev
  python3 python3-h5py python3-pandas python3-matplotlib python3-pytest
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
