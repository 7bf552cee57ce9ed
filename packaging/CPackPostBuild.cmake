# Run by cpack after each package is made (CPACK_POST_BUILD_SCRIPTS): CPack's STGZ generator
# writes the self-extracting installer with mode 0777; nobody but the owner should write it.
foreach(package IN LISTS CPACK_PACKAGE_FILES)
    if(package MATCHES "\\.sh$")
        file(CHMOD "${package}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
            GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
    endif()
endforeach()
