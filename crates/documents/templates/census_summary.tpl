# 农村留守儿童摸底排查汇总表 [M16]: the census summary of a scope on A4 across, its 32 columns
# as census::summary computes them (township, its code, 合计 and the six groups), the total
# row last; the groups' titles and columns come from the values so that the table always has
# the summary's columns. Its 勾稽关系 are checked before it is printed.
# Values: crates/documents/src/summary.rs.
page landscape
title 农村留守儿童摸底排查汇总表
split 填报单位：{unit}|编号：{number}
left {scope_line}
gap 4
cellsize 7
cols 5 4.5 2.6 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1 2.1
head
row 16 | 乡镇（街道）^2 | 区划代码^2 | 合计^2 | {g1}*4 | {g2}*3 | {g3}*3 | {g4}*6 | {g5}*9 | {g6}*4
row 30 | {h1} | {h2} | {h3} | {h4} | {h5} | {h6} | {h7} | {h8} | {h9} | {h10} | {h11} | {h12} | {h13} | {h14} | {h15} | {h16} | {h17} | {h18} | {h19} | {h20} | {h21} | {h22} | {h23} | {h24} | {h25} | {h26} | {h27} | {h28} | {h29}
end
each rows
row | {name} | {code} | {c0} | {c1} | {c2} | {c3} | {c4} | {c5} | {c6} | {c7} | {c8} | {c9} | {c10} | {c11} | {c12} | {c13} | {c14} | {c15} | {c16} | {c17} | {c18} | {c19} | {c20} | {c21} | {c22} | {c23} | {c24} | {c25} | {c26} | {c27} | {c28} | {c29}
end
endhead
gap 6
each notes
left {line}
end
gap 8
sign 单位负责人：|审核人：|填表人：
right 填表日期：{date}
