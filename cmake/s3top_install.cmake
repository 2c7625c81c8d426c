# Installation (cmake --install) and the Debian package (cpack -G DEB), laid out as Debian
# tools are: /usr/bin/s3top, s3top(1) gzipped, bash/zsh/fish completions where each shell looks,
# the annotated default config and price tables in /usr/share/s3top, README (with the docs it
# links to), copyright and changelog in /usr/share/doc/s3top. `./dev.sh package` builds the .deb and runs lintian;
# tests/e2e/install.sh checks the layout of an install into a temp folder.
include(GNUInstallDirs)

find_program(S3TOP_GZIP gzip REQUIRED)
set(S3TOP_PKG_DIR "${PROJECT_BINARY_DIR}/pkg")
# gzip -9n: no name or time stamp in the header, so the package is reproducible (lintian).
foreach(pair "docs/s3top.1:s3top.1.gz" "packaging/debian/changelog:changelog.gz")
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 src)
  list(GET pair 1 out)
  add_custom_command(OUTPUT "${S3TOP_PKG_DIR}/${out}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${S3TOP_PKG_DIR}"
    COMMAND ${S3TOP_GZIP} -9n -c "${PROJECT_SOURCE_DIR}/${src}" > "${S3TOP_PKG_DIR}/${out}"
    DEPENDS "${PROJECT_SOURCE_DIR}/${src}" VERBATIM)
  list(APPEND S3TOP_PKG_FILES "${S3TOP_PKG_DIR}/${out}")
endforeach()
add_custom_target(s3top_pkg_files ALL DEPENDS ${S3TOP_PKG_FILES})

set(doc_dir "${CMAKE_INSTALL_DATAROOTDIR}/doc/s3top")
install(TARGETS s3top RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES "${S3TOP_PKG_DIR}/s3top.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES completions/s3top.bash DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions"
        RENAME s3top)
install(FILES completions/_s3top DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions")
install(FILES completions/s3top.fish DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/fish/vendor_completions.d")
install(FILES config/s3top.conf DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/s3top")
install(DIRECTORY config/prices DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/s3top" FILES_MATCHING PATTERN "*.toml")
install(FILES README.md ARCHITECTURE.md packaging/debian/copyright "${S3TOP_PKG_DIR}/changelog.gz" DESTINATION "${doc_dir}")
# The documents README links to (docs/performance.md, ARCHITECTURE.md and the ledger, replay and dedupe its
# Layout names), beside it as in the tree, so its links work where it is installed.
install(FILES docs/dedupe.md docs/ingest.md docs/performance.md docs/replay.md DESTINATION "${doc_dir}/docs")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME s3top)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "s3top maintainers <maintainers@users.noreply.b-seed-2aee1ffe.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "per-org usage of S3 buckets from their access logs")
# The synopsis is the summary above; this is the extended description after it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "s3top reads S3 server access logs (and CloudFront, ELB/ALB, Apache/nginx and
CloudTrail logs) from the folder a sync tool mirrors, and shows who used how
many bytes and requests: a live terminal dashboard, reports as tables, CSV,
JSON or HTML, and billing statements per org with exact money arithmetic.
A state folder remembers what was read, so nothing is ever counted twice.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # s3top_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: from dpkg-shlibdeps, never typed by hand
# But libcurl, which s3top loads (dlopen) only for s3:// and clickhouse:// sources, so that runs
# over local files never map it: dpkg-shlibdeps cannot see it. 7.85: CURLOPT_PROTOCOLS_STR.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.85.0)")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_SET_DESTDIR OFF)
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/deb")
include(CPack)
