# Install rules for the desktop integration and the Debian package (cpack -G DEB).
# The executables and their man pages install themselves (app/CMakeLists.txt); this adds the
# desktop entry, the MIME types of sessions and tensor files, the AppStream metadata and the
# icon (scalable, and PNGs rendered once from it), all under the freedesktop.org paths.
include(GNUInstallDirs)

set(QS_APP_ID io.github.quantscope.QuantScope)
set(desktop ${PROJECT_SOURCE_DIR}/resources/desktop)
install(FILES ${desktop}/${QS_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${desktop}/${QS_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${desktop}/quantscope-mime.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages
        RENAME quantscope.xml)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/quantscope.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 16 24 32 48 64 128 256)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/quantscope-${size}.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
          RENAME quantscope.png)
endforeach()

set(CPACK_PACKAGE_NAME "quantscope")
set(CPACK_PACKAGE_VENDOR "QuantScope")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "QuantScope maintainers <quantscope@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/quantscope/quantscope")
# The extended description; CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY before it as the
# synopsis and indents each line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "QuantScope shows what quantizing a tensor does: schemes (integer, fp16, bf16,\nfloat8/float4, MX, code books, GGML blocks), range methods, per-tensor,\nper-channel and per-group granularity, the resulting codes, errors and\nmetrics, with charts, lessons and a command-line tool (quantscope-cli).")
# Always listed: what is only loaded at run time (the xcb/wayland platform plugins, a font).
# dpkg-shlibdeps, where installed, adds the linked libraries with their versions; without it
# the Qt 6 runtime packages of Debian 12 and the other linked libraries are named here.
find_program(QS_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(QS_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, fonts-dejavu-core")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "libqt6core6, libqt6gui6, libqt6widgets6, libqt6charts6, libqt6svg6, libqt6concurrent6, libqt6printsupport6, libqt6openglwidgets6, libgomp1, zlib1g, libprotobuf32, qt6-qpa-plugins, fonts-dejavu-core")
endif()

include(CPack)
