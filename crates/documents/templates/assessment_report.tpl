# 调查评估报告 [S] 二(四): the township government (street office), with civil affairs and
# the police, assesses the child's safety, guardianship and physical and mental health; the
# risk level and every reason for it (assessment::risk_level), who took part, the signatures.
# Values: crates/documents/src/casework.rs.
title 调查评估报告
split 案件编号：{case_no}|编号：{number}
gap 6
cols 2 4 2 4
row | 儿童姓名 | {child} | 性别、出生日期 | {child_info}
row | 所在村（居） | {village}*3
row | 案件来源 | {source}*3
row | 启动日期 | {opened_at} | 评估期限 | {due_at}
row | 完成日期 | {completed_at} | 记录人 | {completed_by}
gap 8
left 一、参与评估人员
cols 1 4 7
row | 序号 | 参与方 | 姓名（单位）
each participants
row | {n} | {party} | {name}
end
gap 8
left 二、评估情况
cols 3 9
row | 安全处境 | {safety}
row | 监护情况 | {guardianship}
row | 身体健康状况 | {physical}
row | 心理健康状况 | {mental}
gap 8
left 三、评估结论
cols 3 9
row 24 | 风险等级 | {risk}
row | 评定理由 | {reasons}
gap 6
para 经调查评估，该儿童风险等级为{risk}。依照《天津市农村留守儿童关爱保护工作实施意见》，乡镇人民政府（街道办事处）会同民政部门根据评估结果制定帮扶计划、落实帮扶措施；发现监护人有撤销监护人资格情形的，依法处置。
gap 10
sign 评估人员签字：|负责人签字：
seal {unit}（盖章）|{date}
