# Writes a C++ source holding each file's text as a raw string literal.
# FILES is a |-separated list (a ; would split the command line); each is named by its path
# relative to BASE, without .yaml ("leader-crash", "plans/recommended").
string(REPLACE "|" ";" FILES "${FILES}")
set(body "// Generated from scenarios/*.yaml and scenarios/plans/*.yaml by embed.cmake. Do not edit.\n")
string(APPEND body "#include \"scenarios/embedded.h\"\nnamespace clawsim {\n")
string(APPEND body "extern constinit const EmbeddedFile kEmbeddedFiles[] = {\n")
set(count 0)
foreach(path ${FILES})
  file(RELATIVE_PATH name ${BASE} ${path})
  string(REGEX REPLACE "\\.yaml$" "" name "${name}")
  file(READ ${path} text)
  string(APPEND body "  {\"${name}\", R\"clawsim_embed(${text})clawsim_embed\"},\n")
  math(EXPR count "${count} + 1")
endforeach()
string(APPEND body "};\nextern constinit const std::size_t kEmbeddedFileCount = ${count};\n}  // namespace clawsim\n")
file(WRITE ${OUT} "${body}")
