# Writes OUT, a C++ source defining NAME as the text of IN (run by add_custom_command).
file(READ "${IN}" content)
file(WRITE "${OUT}" "// Generated from ${NAME_FILE}; edit that file instead.\n#include <string_view>\nnamespace msim {\nextern const std::string_view ${NAME};\nconst std::string_view ${NAME} = R\"msim_embed(${content})msim_embed\";\n}  // namespace msim\n")
