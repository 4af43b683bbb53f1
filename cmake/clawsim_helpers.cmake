# One helper per kind of target; every target gets the same warnings.
add_library(clawsim_warnings INTERFACE)
target_compile_options(clawsim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  -Werror
  # GCC 12 reports std::string inlining at -O3 as overlapping memcpy (GCC bug 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
if(CLAWSIM_SANITIZE)
  target_compile_options(clawsim_warnings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(clawsim_warnings INTERFACE -fsanitize=address,undefined)
endif()
if(CLAWSIM_TSAN)
  target_compile_options(clawsim_warnings INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(clawsim_warnings INTERFACE -fsanitize=thread)
endif()
# The fuzz build (tests/fuzz, clang only): every library instrumented for libFuzzer's coverage
# and checked by ASan and UBSan; only the fuzz targets link libFuzzer itself.
if(CLAWSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CLAWSIM_FUZZ needs clang (libFuzzer): configure with the fuzz preset")
  endif()
  target_compile_options(clawsim_warnings INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(clawsim_warnings INTERFACE -fsanitize=address,undefined)
endif()

# clawsim_library(NAME SOURCES... DEPS ...)
function(clawsim_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(clawsim_${name} ${ARG_SOURCES})
  add_library(clawsim::${name} ALIAS clawsim_${name})
  target_include_directories(clawsim_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(clawsim_${name} PUBLIC ${ARG_DEPS} PRIVATE clawsim_warnings)
endfunction()

# clawsim_test(NAME SOURCES... DEPS ...): one GoogleTest binary, registered with ctest.
function(clawsim_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest_main GTest::gmock clawsim_warnings)
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()
