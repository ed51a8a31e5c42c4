# SPDX-License-Identifier: MIT
# Cross build for arm64 with Debian's crossbuild-essential-arm64 and the :arm64 -dev packages
# installed through multiarch (scripts/setup arm64):
#
#   cmake -S . -B build/arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake
#
# Libraries and pkg-config files come from /usr/lib/aarch64-linux-gnu (multiarch), headers from
# /usr/include as on the host. CTest runs the test binaries under qemu-user (qemu-aarch64-static
# from qemu-user-static), which finds the arm64 loader and libraries at their multiarch paths.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(DHB_CROSS_TRIPLET aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${DHB_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${DHB_CROSS_TRIPLET}-g++)

# pkg-config for the target: Debian's wrapper (pkg-config ships aarch64-linux-gnu-pkg-config as a
# link to its cross wrapper) searches only the arm64 multiarch directories.
set(PKG_CONFIG_EXECUTABLE ${DHB_CROSS_TRIPLET}-pkg-config CACHE FILEPATH "pkg-config for arm64")

# Search the target's libraries and headers only; programs run at build time are the host's.
set(CMAKE_LIBRARY_ARCHITECTURE ${DHB_CROSS_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# DHB_ARM64_EXTRA: a directory of arm64 packages unpacked by scripts/debs-extract, for those that
# multiarch cannot install beside the host's (Criterion: scripts/test --arm64 unpacks it there).
# Its pkg-config files are searched first, the linker follows its libraries' dependencies there,
# and the tests run with it on the arm64 loader's path.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES DHB_ARM64_EXTRA)
set(_dhb_extra_lib "")
if(DHB_ARM64_EXTRA)
  set(_dhb_extra_lib ${DHB_ARM64_EXTRA}/usr/lib/${DHB_CROSS_TRIPLET})
  set(ENV{PKG_CONFIG_PATH} ${_dhb_extra_lib}/pkgconfig)
  set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_dhb_extra_lib}")
endif()

find_program(DHB_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(DHB_QEMU_AARCH64)
  # A test that starts other arm64 programs (Criterion runs each test in a child it executes
  # again) needs the kernel to hand them to QEMU too: binfmt_misc (scripts/test --arm64).
  set(CMAKE_CROSSCOMPILING_EMULATOR ${DHB_QEMU_AARCH64})
  if(_dhb_extra_lib)
    list(APPEND CMAKE_CROSSCOMPILING_EMULATOR -E LD_LIBRARY_PATH=${_dhb_extra_lib})
  endif()
endif()
