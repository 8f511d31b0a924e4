# 辍学书面报告 [S] 二(一): the school's written report to the district education bureau and
# the township when persuasion failed; its text is the case's stored snapshot (decision 133).
# Values: crates/documents/src/dropout.rs.
title {title}
center 文号：{report_no}
gap 6
left {to}
each body
para {line}
end
gap 8
seal {school}（盖章）|{date}
