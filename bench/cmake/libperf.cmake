# SPDX-License-Identifier: MIT
# Finds libperf (the kernel's tools/lib/perf) for the perf counters of the timed sections.
#
# DHB_LIBPERF: AUTO (default), ON (fail without it) or OFF (build without counters).
# Where it comes from, in this order:
#   1. pkg-config "libperf", when a distribution ships it and its headers include the internal
#      ones this project reads the group leader's descriptor through (internal/evsel.h);
#   2. the tools/lib/perf of a linux-source package (Debian's linux-source-6.12 or -6.1; the
#      newest /usr/src/linux-source-*.tar.xz, or DHB_LINUX_SOURCE): only the parts libperf
#      needs are extracted into the build tree at configure time (about 45 s: the whole archive
#      is decompressed), and built there, statically, with libperf's own Makefile and flags;
#      both steps are cached in the build tree and redone only when the archive or the
#      compiler changes;
#   3. neither: the tool builds without counters and says so (list, run's JSON environment).
# Results: DHB_LIBPERF_FOUND, the imported target dhb::libperf, DHB_LIBPERF_DESC (what was
# used) or DHB_LIBPERF_WHY (why there are no counters).
#
# Packages: linux-source-6.12 and xz-utils (tar -J runs xz) are in the build group of
# scripts/deps.list, so a plain build has them; the libperf build runs make, cc, as, ld, ar and
# sh (build-essential) and coreutils, grep, sed.
#
# Licence: the libperf and libapi sources linked carry "GPL-2.0" and "GPL-2.0-only" SPDX lines
# (zalloc.c "LGPL-2.1"), so a dmaheap-bench binary linked with them is GPL-2.0-only as a whole
# (see LICENSE).

set(DHB_LIBPERF AUTO CACHE STRING "Perf counters through libperf: AUTO, ON or OFF")
set_property(CACHE DHB_LIBPERF PROPERTY STRINGS AUTO ON OFF)
set(DHB_LINUX_SOURCE "" CACHE FILEPATH
    "linux-source tarball to build libperf from (default: newest /usr/src/linux-source-*.tar.xz)")

set(DHB_LIBPERF_FOUND FALSE)
set(DHB_LIBPERF_DESC "")
set(DHB_LIBPERF_WHY "")

# The CPU architecture as the kernel's tools name it (tools/arch/SRCARCH).
function(_dhb_srcarch out)
  set(p ${CMAKE_SYSTEM_PROCESSOR})
  if(p MATCHES "^(x86_64|amd64|i.86)$")
    set(a x86)
  elseif(p MATCHES "^(aarch64|arm64)")
    set(a arm64)
  elseif(p MATCHES "^arm")
    set(a arm)
  elseif(p MATCHES "^riscv")
    set(a riscv)
  elseif(p MATCHES "^(ppc|powerpc)")
    set(a powerpc)
  elseif(p MATCHES "^s390")
    set(a s390)
  elseif(p MATCHES "^loongarch")
    set(a loongarch)
  else()
    set(a ${p})
  endif()
  set(${out} ${a} PARENT_SCOPE)
endfunction()

# What the project's counters code needs of libperf's headers, beyond the public API.
set(_dhb_libperf_probe [=[
#include <perf/evsel.h>
#include <perf/threadmap.h>
#include <internal/evsel.h>
#include <internal/xyarray.h>
int main(void)
{
	struct perf_evsel *e = perf_evsel__new(0);
	int *fd = e ? (int *)xyarray__entry(e->fd, 0, 0) : 0;

	return fd ? *fd : 0;
}
]=])

# 1. pkg-config
function(_dhb_libperf_pkgconfig)
  pkg_check_modules(DHB_LIBPERF_PC QUIET IMPORTED_TARGET libperf)
  if(NOT DHB_LIBPERF_PC_FOUND)
    return()
  endif()
  include(CheckCSourceCompiles)
  set(CMAKE_REQUIRED_INCLUDES ${DHB_LIBPERF_PC_INCLUDE_DIRS})
  set(CMAKE_REQUIRED_LIBRARIES PkgConfig::DHB_LIBPERF_PC)
  set(CMAKE_REQUIRED_QUIET ON)
  check_c_source_compiles("${_dhb_libperf_probe}" DHB_LIBPERF_PC_INTERNAL)
  if(NOT DHB_LIBPERF_PC_INTERNAL)
    message(STATUS "libperf: pkg-config libperf ${DHB_LIBPERF_PC_VERSION} lacks usable "
                   "internal headers (internal/evsel.h); trying a linux-source package")
    return()
  endif()
  add_library(dhb::libperf INTERFACE IMPORTED GLOBAL)
  target_link_libraries(dhb::libperf INTERFACE PkgConfig::DHB_LIBPERF_PC)
  set(DHB_LIBPERF_FOUND TRUE PARENT_SCOPE)
  set(DHB_LIBPERF_DESC "libperf ${DHB_LIBPERF_PC_VERSION} (pkg-config)" PARENT_SCOPE)
endfunction()

# 2. A linux-source package: extract what libperf needs, build it with its own Makefile.
function(_dhb_libperf_from_source)
  set(tarball "${DHB_LINUX_SOURCE}")
  if(NOT tarball)
    file(GLOB cands /usr/src/linux-source-*.tar.xz)
    if(NOT cands)
      string(CONCAT why "built without libperf: no pkg-config libperf and no "
             "/usr/src/linux-source-*.tar.xz (scripts/setup build installs linux-source-6.12; then reconfigure)")
      set(DHB_LIBPERF_WHY "${why}" PARENT_SCOPE)
      return()
    endif()
    list(SORT cands COMPARE NATURAL ORDER DESCENDING)
    list(GET cands 0 tarball)
  endif()
  get_filename_component(top ${tarball} NAME)
  string(REGEX REPLACE "\\.tar\\.xz$" "" top "${top}")
  find_program(DHB_GNU_MAKE NAMES make gmake)
  find_program(DHB_TAR tar)
  if(NOT EXISTS "${tarball}" OR NOT DHB_GNU_MAKE OR NOT DHB_TAR)
    set(DHB_LIBPERF_WHY "built without libperf: cannot build it from ${tarball} (needs make and tar)"
        PARENT_SCOPE)
    return()
  endif()

  set(root ${CMAKE_BINARY_DIR}/libperf)
  set(src ${root}/src)
  set(out ${root}/out)
  file(SIZE ${tarball} size)
  file(TIMESTAMP ${tarball} mtime "%s" UTC)
  set(key "${tarball} ${size} ${mtime} ${CMAKE_C_COMPILER} ${CMAKE_AR} ${CMAKE_LINKER}")
  set(stamp_key "")
  if(EXISTS ${root}/stamp)
    file(READ ${root}/stamp stamp_key)
  endif()
  if(NOT stamp_key STREQUAL key OR NOT EXISTS ${out}/libperf.a OR NOT EXISTS ${out}/libapi.a)
    message(STATUS "libperf: extracting tools/lib/perf from ${tarball} (once per build tree)")
    file(REMOVE_RECURSE ${root})
    file(MAKE_DIRECTORY ${src} ${out})
    set(members)
    foreach(m Makefile tools/lib/perf tools/lib/api tools/lib/zalloc.c tools/lib/str_error_r.c
              tools/include tools/build tools/scripts tools/arch)
      list(APPEND members ${top}/${m})
    endforeach()
    execute_process(COMMAND ${DHB_TAR} -xJf ${tarball} -C ${src} --strip-components=1 ${members}
                    RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      string(STRIP "${err}" err)
      set(DHB_LIBPERF_WHY "built without libperf: extracting ${tarball} failed: ${err}"
          PARENT_SCOPE)
      return()
    endif()
    message(STATUS "libperf: building it statically with its own Makefile (log: ${root}/build.log)")
    # A cross build (cmake/toolchain-*.cmake) names the target's architecture, archiver and linker:
    # the tools' Makefiles otherwise take them from the host.
    set(cross)
    if(CMAKE_CROSSCOMPILING)
      _dhb_srcarch(arch)
      set(cross ARCH=${arch} AR=${CMAKE_AR} LD=${CMAKE_LINKER})
    endif()
    # libperf's own flags (-Werror -Wall -fPIC -fvisibility=hidden ...), plus optimisation; the
    # project's warnings and sanitizers are for the project's code.
    execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=MAKEFLAGS --unset=MFLAGS
                            --unset=MAKELEVEL ${DHB_GNU_MAKE} -C ${src}/tools/lib/perf O=${out}/
                            CC=${CMAKE_C_COMPILER} ${cross} EXTRA_CFLAGS=-O2
                            ${out}/libperf.a ${out}/libapi.a
                    RESULT_VARIABLE rc OUTPUT_FILE ${root}/build.log ERROR_FILE ${root}/build.log)
    if(NOT rc EQUAL 0)
      set(DHB_LIBPERF_WHY "built without libperf: building it from ${tarball} failed (${root}/build.log)"
          PARENT_SCOPE)
      return()
    endif()
    file(WRITE ${root}/stamp "${key}")
  endif()

  # The kernel version of the source, from its top Makefile.
  file(STRINGS ${src}/Makefile vlines REGEX "^(VERSION|PATCHLEVEL|SUBLEVEL) = " LIMIT_COUNT 3)
  set(kver "")
  set(kver_sep "")
  foreach(l IN LISTS vlines)
    string(REGEX REPLACE "^[A-Z]+ = " "" v "${l}")
    string(APPEND kver "${kver_sep}${v}")
    set(kver_sep ".")
  endforeach()

  _dhb_srcarch(arch)
  add_library(dhb::libperf_api STATIC IMPORTED GLOBAL)
  set_target_properties(dhb::libperf_api PROPERTIES IMPORTED_LOCATION ${out}/libapi.a)
  add_library(dhb::libperf STATIC IMPORTED GLOBAL)
  set_target_properties(dhb::libperf PROPERTIES IMPORTED_LOCATION ${out}/libperf.a)
  # The include paths of libperf's own Makefile (an imported target's are system headers to the
  # project's warnings). They hold the tools' own linux/*.h: only the file that talks to libperf
  # may see them (bench/CMakeLists.txt).
  set_target_properties(dhb::libperf PROPERTIES
                        INTERFACE_INCLUDE_DIRECTORIES
                        "${src}/tools/lib/perf/include;${src}/tools/lib;${src}/tools/include;${src}/tools/arch/${arch}/include;${src}/tools/arch/${arch}/include/uapi;${src}/tools/include/uapi"
                        INTERFACE_LINK_LIBRARIES dhb::libperf_api)
  set(DHB_LIBPERF_FOUND TRUE PARENT_SCOPE)
  set(DHB_LIBPERF_DESC "libperf from ${top} (${kver}), static" PARENT_SCOPE)
endfunction()

if(DHB_LIBPERF STREQUAL "OFF")
  set(DHB_LIBPERF_WHY "built without libperf (-DDHB_LIBPERF=OFF)")
else()
  _dhb_libperf_pkgconfig()
  if(NOT DHB_LIBPERF_FOUND)
    _dhb_libperf_from_source()
  endif()
  if(DHB_LIBPERF_FOUND)
    message(STATUS "libperf: ${DHB_LIBPERF_DESC}")
  elseif(DHB_LIBPERF STREQUAL "ON")
    message(FATAL_ERROR "libperf: ${DHB_LIBPERF_WHY}")
  else()
    message(STATUS "libperf: ${DHB_LIBPERF_WHY}; perf counters unavailable")
  endif()
endif()
