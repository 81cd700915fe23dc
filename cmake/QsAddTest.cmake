# qs_add_test(NAME LIBRARIES lib... LABELS label... [DEPENDS target...])
# One Qt Test executable from NAME.cpp in the calling folder, linked with exactly the named
# libraries, registered with ctest under its labels (core, ui, cli: `ctest -L core` runs the
# tests that need no display). DEPENDS: executables the test runs, built first.
function(qs_add_test name)
  cmake_parse_arguments(T "" "" "LIBRARIES;LABELS;DEPENDS" ${ARGN})
  if(NOT T_LIBRARIES OR NOT T_LABELS)
    message(FATAL_ERROR "qs_add_test(${name}): LIBRARIES and LABELS are required")
  endif()
  qt_add_executable(${name} ${name}.cpp)
  target_link_libraries(${name} PRIVATE ${T_LIBRARIES} Qt6::Test qs_warnings)
  set_target_properties(${name} PROPERTIES AUTOMOC ON
                        RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  # Each test its own scratch folder: no test can read a file another one wrote.
  target_compile_definitions(${name} PRIVATE QS_BIN_DIR="${CMAKE_BINARY_DIR}/bin"
                             QS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                             QS_TEST_TMP="${CMAKE_BINARY_DIR}/test-tmp/${name}")
  if(T_DEPENDS)
    add_dependencies(${name} ${T_DEPENDS})
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 300)
  if(NOT "core" IN_LIST T_LABELS)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
  endif()
endfunction()
