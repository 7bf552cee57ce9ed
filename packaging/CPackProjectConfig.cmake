# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE): the .deb and the offline
# bundle install different components under different prefixes. CPack installs only the
# components in CPACK_COMPONENTS_ALL when component installation is on; grouping all of them
# in one package keeps one file per generator, named without a component suffix.
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)

if(CPACK_GENERATOR STREQUAL "DEB")
    # The standard installation under /usr, on Debian's Qt.
    set(CPACK_COMPONENTS_ALL runtime)
    set(CPACK_DEB_COMPONENT_INSTALL ON)
    set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
elseif(CPACK_GENERATOR STREQUAL "STGZ")
    # The bundle's tree at the archive's root; its install.sh places it at install time.
    set(CPACK_COMPONENTS_ALL bundle)
    set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)
    set(CPACK_PACKAGING_INSTALL_PREFIX "/")
    set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY OFF)
    # make-bundle.sh strips the programs itself and must not touch the carried libraries.
    set(CPACK_STRIP_FILES FALSE)
    set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${CPACK_PACKAGE_VERSION}-linux-x86_64-offline")
endif()
