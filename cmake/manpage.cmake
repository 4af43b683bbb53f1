# Writes clawsim(1) from clawsim's own --help texts: help2man reads `clawsim --help` and
# `--version`; a COMMANDS section holds each command's `clawsim COMMAND --help`, verbatim.
# Run as: cmake -DCLAWSIM=... -DHELP2MAN=... -DOUT=clawsim.1 -P manpage.cmake
set(commands scenarios plan scenario validate check-change "live status" "live apply" "live drill"
    "live recover" schema report "gameday run" "gameday schedule" "gameday history")
execute_process(COMMAND ${CLAWSIM} --help OUTPUT_VARIABLE global RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "clawsim --help failed (${rc})")
endif()
set(include "[COMMANDS]\n")
foreach(command IN LISTS commands)
  separate_arguments(words UNIX_COMMAND "${command}")
  execute_process(COMMAND ${CLAWSIM} ${words} --help OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "clawsim ${command} --help failed (${rc})")
  endif()
  if(text STREQUAL global)
    continue()  # no usage of its own: the synopsis above covers it
  endif()
  # roff: a backslash is \e; a line starting with . or ' would be a request
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  string(APPEND include ".SS \"clawsim ${command}\"\n.nf\n${text}.fi\n")
endforeach()
string(APPEND include "[ENVIRONMENT]
.TP
.B CLAWSIM_PLAN
the plan used when --plan is not given
.TP
.B CLAWSIM_INVENTORY
the inventory used when --inventory is not given
.TP
.B NO_COLOR
when set and not empty, no colour, even on a terminal
[EXIT STATUS]
0 every expectation held (a pass); 1 one failed, or a drill was refused or aborted; 2 bad input,
a usage error, or a cluster that cannot be reached; 3 only the plan's known failures failed;
70 an internal error.
")
file(WRITE ${OUT}.include "${include}")
execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section 1
                        --name "what if for a Docker Swarm: a model, plan checks, live drills, game days"
                        --include ${OUT}.include --output ${OUT} ${CLAWSIM}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed: ${err}")
endif()
execute_process(COMMAND gzip -9 -n -f -k ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${OUT} failed")
endif()
