# Install rules for the desktop integration and the Debian package (cpack -G DEB).
# The executables install themselves (app/CMakeLists.txt); this adds the .desktop entry and
# the scalable icon, and declares the Qt 6 runtime packages the .deb needs on Debian 12.
include(GNUInstallDirs)

install(FILES ${PROJECT_SOURCE_DIR}/resources/quantscope.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/quantscope.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)

set(CPACK_PACKAGE_NAME "quantscope")
set(CPACK_PACKAGE_VENDOR "QuantScope")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "QuantScope maintainers <quantscope@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Explore numeric quantization\n QuantScope shows what quantizing a tensor does: schemes (affine, symmetric,\n fp16, bf16), range methods, per-tensor/channel/group granularity, the\n resulting codes, errors and metrics, with charts and a command-line tool.")
# dpkg-shlibdeps finds the linked libraries (Qt 6 Core/Gui/Widgets/Charts/Svg, libgomp,
# zlib). Listed here: what is only loaded at run time (the xcb/wayland platform plugins, the
# SVG icon plugin of libqt6svg6, which the linked library already pulls in, and a font).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, fonts-dejavu-core")

include(CPack)
