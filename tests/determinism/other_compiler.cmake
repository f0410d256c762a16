# The same outputs from a build by another compiler: builds marketsim's command line with OTHER_CXX
# (GCC where this build is Clang's, Clang 22 where it is GCC's) in BINARY_DIR, native to the
# processor or not as NATIVE says (tests/CMakeLists.txt asks for a portable one), runs the scenarios
# in SCENARIOS with both programs (this build's on 2 threads, the other on 1) and compares their
# files, every dataset and attribute but those recording how and when the run was made
# (same_files.py beside this file).
#   cmake -DSOURCE_DIR=... -DBINARY_DIR=... -DOTHER_CXX=... -DOTHER_CC=... -DNATIVE=ON|OFF
#         -DGENERATOR=... -DMARKETSIM=<this build's marketsim> -DPYTHON=...
#         "-DSCENARIOS=a.yaml;b.yaml" -DCONSUMERS=... -P tests/determinism/other_compiler.cmake
execute_process(
  COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
          -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_COMPILER=${OTHER_CXX}"
          "-DCMAKE_C_COMPILER=${OTHER_CC}" "-DMARKETSIM_NATIVE=${NATIVE}"
          -DMARKETSIM_BUILD_TESTS=OFF
  OUTPUT_VARIABLE log ERROR_VARIABLE log RESULT_VARIABLE configured)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "configuring a build with ${OTHER_CXX} failed:\n${log}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${BINARY_DIR}" --target marketsim
                OUTPUT_VARIABLE log ERROR_VARIABLE log RESULT_VARIABLE built)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "building marketsim with ${OTHER_CXX} failed:\n${log}")
endif()
set(other "${BINARY_DIR}/cli/marketsim")
set(out "${BINARY_DIR}/outputs")
file(REMOVE_RECURSE "${out}")
file(MAKE_DIRECTORY "${out}")

foreach(scenario ${SCENARIOS})
  get_filename_component(name "${scenario}" NAME_WE)
  foreach(side this other)
    if(side STREQUAL "this")
      set(program "${MARKETSIM}")
      set(threads 2)
    else()
      set(program "${other}")
      set(threads 1)
    endif()
    execute_process(
      COMMAND "${program}" run "${SOURCE_DIR}/${scenario}" -o "${out}/${name}_${side}.h5" --quiet
              --force --threads ${threads} --set consumers=${CONSUMERS}
      OUTPUT_VARIABLE log ERROR_VARIABLE log RESULT_VARIABLE ran)
    if(NOT ran EQUAL 0)
      message(FATAL_ERROR "${program} run ${scenario} failed (${ran}):\n${log}")
    endif()
  endforeach()
  execute_process(
    COMMAND "${PYTHON}" "${SOURCE_DIR}/tests/determinism/same_files.py" "${out}/${name}_this.h5"
            "${out}/${name}_other.h5"
    OUTPUT_VARIABLE report ERROR_VARIABLE report RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "${scenario}: the files of this build and of the build with "
                        "${OTHER_CXX} differ:\n${report}")
  endif()
  message(STATUS "${scenario}: ${report}")
endforeach()
