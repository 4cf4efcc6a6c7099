# Turns the pattern data files into a C source with two NUL-terminated
# strings, bs_embedded_providers and bs_embedded_rules.
function(bs_embed_file name path out_var)
    file(READ ${path} hex HEX)
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
    set(${out_var} "const char ${name}[] = {${hex}0x00};\n" PARENT_SCOPE)
endfunction()
bs_embed_file(bs_embedded_providers ${PROVIDERS} p)
bs_embed_file(bs_embedded_rules ${RULES} r)
file(WRITE ${OUT} "/* Generated from patterns/ by tools/embed.cmake. */\n${p}${r}")
