# A project outside the tree uses this build as a CMake package, installed and in place:
# examples/external/ with the parent build's compiler and flags, in BINARY_DIR.
#   1. `cmake --install` of the build into BINARY_DIR/prefix holds bin/marketsim, the three
#      libraries (in LIBDIR, lib here), their headers and LIBDIR/cmake/marketsim, and nothing
#      else: no tests, no benchmarks;
#   2. examples/external/ configures against the build tree (marketsim_DIR): its package is found
#      at version 0.1 and its imported targets name existing include paths;
#   3. it configures, builds and runs against the install (CMAKE_PREFIX_PATH): `my_marketsim
#      strategies` lists pulsing, and a run of examples/pulsing.yaml succeeds.
# One compile (the install's), so that the test stays short on two cores.
#   cmake -DSOURCE_DIR=... -DBINARY_DIR=... -DMARKETSIM_DIR=<the build> -DLIBDIR=lib -DCXX=...
#         -DCXX_FLAGS=... -DLINKER_FLAGS=... -DBUILD_TYPE=... -DGENERATOR=...
#         -P tests/external_project.cmake
file(REMOVE_RECURSE "${BINARY_DIR}")
set(prefix "${BINARY_DIR}/prefix")

# 1. The install.
execute_process(COMMAND ${CMAKE_COMMAND} --install "${MARKETSIM_DIR}" --prefix "${prefix}"
                OUTPUT_QUIET RESULT_VARIABLE installed)
if(NOT installed EQUAL 0)
  message(FATAL_ERROR "cmake --install ${MARKETSIM_DIR} --prefix ${prefix} failed")
endif()
file(GLOB top RELATIVE "${prefix}" "${prefix}/*")
file(GLOB bin RELATIVE "${prefix}/bin" "${prefix}/bin/*")
file(GLOB include RELATIVE "${prefix}/include" "${prefix}/include/*")
file(GLOB libs RELATIVE "${prefix}/${LIBDIR}" "${prefix}/${LIBDIR}/*")
string(REGEX REPLACE "/.*" "" libtop "${LIBDIR}")
set(want_top bin include ${libtop})
list(SORT top)
list(SORT want_top)
list(SORT include)
list(SORT libs)
if(NOT top STREQUAL want_top OR NOT bin STREQUAL "marketsim"
   OR NOT include STREQUAL "cli;models;sim"
   OR NOT libs STREQUAL "cmake;libmarketsim_cli.a;libmarketsim_models.a;libmarketsim_sim.a")
  message(FATAL_ERROR "the install holds other files than it should: ${top}; bin: ${bin}; "
                      "include: ${include}; ${LIBDIR}: ${libs}")
endif()
foreach(header sim/rng.hpp models/strategy.hpp models/version.hpp cli/app.hpp)
  if(NOT EXISTS "${prefix}/include/${header}")
    message(FATAL_ERROR "the install has no include/${header}")
  endif()
endforeach()

# The version check, as find_package runs it: 0.1 and 0.1.0 are accepted, 0.2 and 1.0 are not.
foreach(request 0.1 0.1.0 0.2 1.0)
  string(REPLACE "." ";" parts "${request}.0")
  list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
  list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
  set(PACKAGE_FIND_VERSION ${request})
  unset(PACKAGE_VERSION_COMPATIBLE)
  include("${prefix}/${LIBDIR}/cmake/marketsim/marketsimConfigVersion.cmake")
  if((request MATCHES "^0\\.1" AND NOT PACKAGE_VERSION_COMPATIBLE)
     OR (NOT request MATCHES "^0\\.1" AND PACKAGE_VERSION_COMPATIBLE))
    message(FATAL_ERROR "marketsim ${PACKAGE_VERSION} is wrongly "
                        "${PACKAGE_VERSION_COMPATIBLE} for find_package(marketsim ${request})")
  endif()
endforeach()

set(common -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
           "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")

# 2. The build tree: configured only.
execute_process(
  COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/external" -B "${BINARY_DIR}/build_tree"
          ${common} "-Dmarketsim_DIR=${MARKETSIM_DIR}"
  OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE configured)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "configuring examples/external against the build tree failed:\n${output}")
endif()

# 3. The install: configured (with no marketsim_DIR), built and run.
set(project "${BINARY_DIR}/install")
execute_process(
  COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/external" -B "${project}" ${common}
          "-DCMAKE_PREFIX_PATH=${prefix}"
  RESULT_VARIABLE configured)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "configuring examples/external against the install failed")
endif()
file(STRINGS "${project}/CMakeCache.txt" found REGEX "^marketsim_DIR:")
if(NOT found STREQUAL "marketsim_DIR:PATH=${prefix}/${LIBDIR}/cmake/marketsim")
  message(FATAL_ERROR "examples/external found marketsim elsewhere than the install: ${found}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${project}" RESULT_VARIABLE built)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "building examples/external against the install failed")
endif()
execute_process(COMMAND "${project}/my_marketsim" strategies OUTPUT_VARIABLE listed
                RESULT_VARIABLE ran)
if(NOT ran EQUAL 0 OR NOT listed MATCHES "pulsing")
  message(FATAL_ERROR "my_marketsim strategies did not list the pulsing strategy:\n${listed}")
endif()
# A simulation: objects made in the project's code (a strategy's products) are used and freed
# in the libraries', so both must be compiled alike (Eigen aligns by -march).
execute_process(COMMAND "${project}/my_marketsim" run examples/pulsing.yaml
                        -o "${BINARY_DIR}/pulsing.h5" --force
                WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE summary ERROR_VARIABLE errors
                RESULT_VARIABLE ran)
if(NOT ran EQUAL 0 OR NOT summary MATCHES "Bursts +pulsing")
  message(FATAL_ERROR "my_marketsim run examples/pulsing.yaml failed (${ran}):\n${summary}${errors}")
endif()
