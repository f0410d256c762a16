# A project outside the tree builds against this build tree (find_package(marketsim)) and runs:
# examples/external/ with the parent build's compiler and flags, in BINARY_DIR.
#   cmake -DSOURCE_DIR=... -DBINARY_DIR=... -DMARKETSIM_DIR=... -DCXX=... -DCXX_FLAGS=...
#         -DLINKER_FLAGS=... -DBUILD_TYPE=... -DGENERATOR=... -P tests/external_project.cmake
file(REMOVE_RECURSE "${BINARY_DIR}")
execute_process(
  COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/external" -B "${BINARY_DIR}"
          -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
          "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
          "-Dmarketsim_DIR=${MARKETSIM_DIR}"
  RESULT_VARIABLE configured)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "configuring examples/external against the build tree failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${BINARY_DIR}" RESULT_VARIABLE built)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "building examples/external against the build tree failed")
endif()
execute_process(COMMAND "${BINARY_DIR}/my_marketsim" strategies OUTPUT_VARIABLE listed
                RESULT_VARIABLE ran)
if(NOT ran EQUAL 0 OR NOT listed MATCHES "pulsing")
  message(FATAL_ERROR "my_marketsim strategies did not list the pulsing strategy:\n${listed}")
endif()
# A simulation: objects made in the project's code (a strategy's products) are used and freed
# in the libraries', so both must be compiled alike (Eigen aligns by -march).
execute_process(COMMAND "${BINARY_DIR}/my_marketsim" run examples/pulsing.yaml
                        -o "${BINARY_DIR}/pulsing.h5" --force
                WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE summary ERROR_VARIABLE errors
                RESULT_VARIABLE ran)
if(NOT ran EQUAL 0 OR NOT summary MATCHES "Bursts +pulsing")
  message(FATAL_ERROR "my_marketsim run examples/pulsing.yaml failed (${ran}):\n${summary}${errors}")
endif()
