# Checks libipo_dispatch.a: in each path object (avx2.o, avx512bw.o, avx512vbmi2.o,
# avx512bf16.o) every defined global symbol (T, W, V, u, D, B, R) is one of its entry points,
# and each object defines all of them: the matcher's ipo::detail::compiled_<path>::{scan, path_name,
# matcher_size} in all but avx512bf16.o, and the loss rows' ipo::loss::detail::compiled_<path>::
# {stats,gradient}_{fp32,bf16,fp16} and the fused linear sweep's linear_sweep_run and
# sweep_layout in avx2.o, avx512bw.o and avx512bf16.o (which has no scan).
# Arguments: -DNM=... -DLIBRARY=...
execute_process(COMMAND "${NM}" -g --defined-only "${LIBRARY}" OUTPUT_VARIABLE listing
                RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(member "")
set(expected_avx2 11)
set(expected_avx512bw 11)
set(expected_avx512vbmi2 3)
set(expected_avx512bf16 8)
foreach(path IN ITEMS avx2 avx512bw avx512vbmi2 avx512bf16)
  set(entries_${path} 0)
endforeach()
foreach(line IN LISTS lines)
  if(line MATCHES "^(.*)\\.o:$")
    set(member "${CMAKE_MATCH_1}")
  elseif(member MATCHES "^(avx2|avx512bw|avx512vbmi2|avx512bf16)$" AND line MATCHES "^[0-9a-f]+ [A-Za-z] (.*)$")
    set(symbol "${CMAKE_MATCH_1}")
    string(LENGTH "compiled_${member}" length)
    if(symbol MATCHES "^_ZN3ipo6detail${length}compiled_${member}(4scan|9path_name|12matcher_size)"
       OR symbol MATCHES "^_ZN3ipo4loss6detail${length}compiled_${member}(10stats_|13gradient_)(fp32|bf16|fp16)"
       OR symbol MATCHES "^_ZN3ipo4loss6detail${length}compiled_${member}(16linear_sweep_run|12sweep_layout)")
      math(EXPR entries_${member} "${entries_${member}} + 1")
    else()
      message(FATAL_ERROR "${member}.o exports ${symbol}: it should be local")
    endif()
  endif()
endforeach()
foreach(path IN ITEMS avx2 avx512bw avx512vbmi2 avx512bf16)
  if(NOT entries_${path} EQUAL expected_${path})
    message(FATAL_ERROR "${path}.o defines ${entries_${path}} of its ${expected_${path}} entry points")
  endif()
endforeach()
message(STATUS "ipo::dispatch exports only its 33 entry points")
