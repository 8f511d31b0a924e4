# 转介函 [S] 二(四): the letter that goes with a referral to the organisation that runs the
# assistance. It prints only what a referral discloses (assessment::referral_discloses):
# the child's name, the village, the case's number, the sender; never the assessment, the
# conduct record, the report or the file. Values: crates/documents/src/casework.rs.
title 转介函
right 编号：{number}
gap 6
left {org}：
para {request}
gap 4
cols 3 9
row | 儿童姓名 | {child}
row | 所在村（居） | {village}
row | 案件编号 | {case_no}
row | 转介事项 | {kind}
row 40 | 转介说明 | {note}
row | 转介单位 | {sender}
row | 经办人 | {sent_by}
row | 转介日期 | {sent_at}
gap 6
para {confidential}
gap 10
sign 经办人签字：|联系电话：
seal {sender}（盖章）|{date}
