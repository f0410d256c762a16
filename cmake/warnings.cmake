# One warnings helper for every marketsim target.
function(marketsim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  # Catch2 2's test macros name their functions with __COUNTER__, which Clang 22 calls a C2y
  # extension under -Wpedantic.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 22)
    target_compile_options(${target} PRIVATE -Wno-c2y-extensions)
  endif()
endfunction()
