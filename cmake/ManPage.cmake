# qs_add_manpage(TARGET SUMMARY text DESCRIPTION text SEE_ALSO text [SECTIONS title args ...])
# Makes build/man/<TARGET>.1 from the executable's help text after it is built
# (cmake/make_manpage.sh: SYNOPSIS, OPTIONS and EXIT STATUS from `TARGET --help`, one section
# per SECTIONS pair from `TARGET args`) and installs it into share/man/man1. The program runs
# headless; leak reports of a sanitizer build are off for this one run.
include(GNUInstallDirs)

function(qs_add_manpage target)
  cmake_parse_arguments(M "" "SUMMARY;DESCRIPTION;SEE_ALSO" "SECTIONS" ${ARGN})
  set(page ${CMAKE_BINARY_DIR}/man/${target}.1)
  set(script ${PROJECT_SOURCE_DIR}/cmake/make_manpage.sh)
  add_custom_command(
    OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0
            sh ${script} ${page} $<TARGET_FILE:${target}> ${target} ${PROJECT_VERSION}
            ${M_SUMMARY} ${M_DESCRIPTION} ${M_SEE_ALSO} ${M_SECTIONS}
    DEPENDS ${target} ${script}
    COMMENT "Man page ${target}.1 from ${target} --help"
    VERBATIM)
  add_custom_target(${target}-manpage ALL DEPENDS ${page})
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endfunction()
