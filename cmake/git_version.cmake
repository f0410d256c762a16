# Writes OUT from IN with the version and the git commit of SOURCE_DIR as it is being built
# ("-dirty" when tracked files differ from the commit; "unknown" outside a git checkout).
# Run at every build (models/CMakeLists.txt), so that the commit a run records is the one that
# built it, not the one that was checked out when CMake last configured. configure_file leaves
# OUT untouched when nothing changed, so nothing recompiles then.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY "${SOURCE_DIR}"
                OUTPUT_VARIABLE MARKETSIM_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE head_result ERROR_QUIET)
if(NOT head_result EQUAL 0 OR NOT MARKETSIM_GIT_COMMIT)
  set(MARKETSIM_GIT_COMMIT "unknown")
else()
  execute_process(COMMAND git diff --quiet HEAD -- WORKING_DIRECTORY "${SOURCE_DIR}"
                  RESULT_VARIABLE diff_result ERROR_QUIET)
  if(diff_result EQUAL 1)
    string(APPEND MARKETSIM_GIT_COMMIT "-dirty")
  endif()
endif()
configure_file("${IN}" "${OUT}" @ONLY)
