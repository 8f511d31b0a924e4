# 撤销监护人资格申请书 [S] 二(五), [G14] 35, [CC] 36, [UPL] 108: the application to the court,
# with the grounds the conduct record meets (guardianship::evaluate_grounds), the day each was
# met, the evidence list from the conduct record, and the applicant's signature lines.
# Values: crates/documents/src/casework.rs.
title 撤销监护人资格申请书
right 编号：{number}
gap 6
cols 3 9
row | 申请人 | {applicant}
row | 申请人类别 | {applicant_kind}
row 30 | 住所及联系电话 | 
row | 被申请人 | {respondents}
row | 被监护人 | {child}
row | 性别、出生日期 | {child_info}
row | 被监护人住所 | {child_address}
gap 8
left 请求事项：
para {request}
left 事实和理由：
para 被申请人系被监护人{child}的监护人。经调查核实，被申请人有下列情形：
each grounds
para {reason}
end
para 上述事实有下列证据证明。依照《中华人民共和国民法典》第三十六条、《中华人民共和国未成年人保护法》第一百零八条和《关于依法处理监护人侵害未成年人权益行为若干问题的意见》第三十五条的规定，特向你院提出申请，请求依法撤销被申请人的监护人资格。
gap 6
left 证据清单：
cols 1.2 3.6 2.6 3.6 8.6 3
head
row | 序号 | 日期 | 记录类别 | 行为 | 证据名称及内容 | 记录人
end
each evidence
row | {n} | {date} | {kind} | {conduct} | {evidence} | {recorded_by}
end
endhead
gap 10
left 此致
left {court}
gap 12
sign 申请人（签名或盖章）：|法定代表人或负责人：
right {filed_on}
