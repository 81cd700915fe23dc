# qs_add_test(NAME LIBRARIES lib... LABELS label... [DEPENDS target...])
# One Qt Test executable from NAME.cpp in the calling folder, linked with exactly the named
# libraries, registered with ctest under its labels (core, ui, cli: `ctest -L core` runs the
# tests that need no display). DEPENDS: executables the test runs, built first.
#
# Qt's headers are parsed once per build, not once per test: each test reuses the precompiled
# header of its group (Qt Core + Qt Test, or the widget library's Qt modules as well), which
# saves about four seconds of compiling per test. A precompiled header only serves a compile
# with the same macros, so the tests take Qt Test's library and include paths but not its
# per-folder QT_TESTCASE_SOURCEDIR / BUILDDIR macros (used only by QFINDTESTDATA, which no test
# uses). -Winvalid-pch turns any mismatch into a warning instead of a silent slow compile.

# Qt Test without its per-folder macros.
add_library(qs_qttest INTERFACE)
target_link_libraries(qs_qttest INTERFACE Qt6::Core $<LINK_ONLY:Qt6::Test>)
target_include_directories(qs_qttest SYSTEM INTERFACE
                           $<TARGET_PROPERTY:Qt6::Test,INTERFACE_INCLUDE_DIRECTORIES>)
target_compile_definitions(qs_qttest INTERFACE QT_TESTLIB_LIB)
target_compile_options(qs_qttest INTERFACE -Winvalid-pch)
# The sanitizer build checks the tests' own code with AddressSanitizer only: UBSan's checks of
# test code (whose arithmetic is the expected values) nearly doubled its compile time (tst_io.cpp:
# 43 s with both, 25 s with ASan alone). The libraries and executables under test keep both.
if(QS_SANITIZE)
  target_compile_options(qs_qttest INTERFACE -fno-sanitize=undefined)
endif()

# qs_test_pch_donors(): the donors of the two precompiled headers, one small object each, built
# with the libraries (so the flags and macros) of the tests that reuse it; the widget one only
# when the widget library is built.
function(qs_test_pch_donors)
  set(core <QtTest> <cmath> <memory> <string> <vector>)
  set(ui ${core} <QApplication> <QChart> <QChartView> <QComboBox> <QLabel> <QLineSeries>
      <QPushButton> <QSpinBox> <QTableWidget> <QValueAxis>)
  set(groups core)
  if(TARGET quantui)
    list(APPEND groups ui)
  endif()
  foreach(group ${groups})
    set(name qs_test_pch_${group})
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/${name}.cpp "// Precompiled header donor.\n")
    add_library(${name} OBJECT EXCLUDE_FROM_ALL ${CMAKE_CURRENT_BINARY_DIR}/${name}.cpp)
    target_link_libraries(${name} PRIVATE qs_qttest qs_warnings)
    if(group STREQUAL "ui")
      target_link_libraries(${name} PRIVATE quantui)
    endif()
    target_precompile_headers(${name} PRIVATE ${${group}})
  endforeach()
endfunction()

function(qs_add_test name)
  cmake_parse_arguments(T "" "" "LIBRARIES;LABELS;DEPENDS" ${ARGN})
  if(NOT T_LIBRARIES OR NOT T_LABELS)
    message(FATAL_ERROR "qs_add_test(${name}): LIBRARIES and LABELS are required")
  endif()
  qt_add_executable(${name} ${name}.cpp)
  target_link_libraries(${name} PRIVATE ${T_LIBRARIES} qs_qttest qs_warnings)
  set_target_properties(${name} PROPERTIES AUTOMOC ON
                        RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  # Each test its own scratch folder: no test can read a file another one wrote.
  target_compile_definitions(${name} PRIVATE QS_BIN_DIR="${CMAKE_BINARY_DIR}/bin"
                             QS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                             QS_TEST_TMP="${CMAKE_BINARY_DIR}/test-tmp/${name}")
  # The group's precompiled header: the widget library's modules, or Qt Core alone. A test that
  # takes Qt GUI without the widget library (its macros match neither) compiles without one.
  if("quantui" IN_LIST T_LIBRARIES)
    target_precompile_headers(${name} REUSE_FROM qs_test_pch_ui)
  elseif(NOT "Qt6::Gui" IN_LIST T_LIBRARIES)
    target_precompile_headers(${name} REUSE_FROM qs_test_pch_core)
  endif()
  # The moc output of a test is included by its source; the generated file left holds nothing
  # and needs no precompiled header (loading one costs about a second).
  set_source_files_properties(${CMAKE_CURRENT_BINARY_DIR}/${name}_autogen/mocs_compilation.cpp
                              PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  if(T_DEPENDS)
    add_dependencies(${name} ${T_DEPENDS})
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 300)
  if(NOT "core" IN_LIST T_LABELS)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
  endif()
endfunction()
