//! The statistics page's figures as a workbook (issue 20): one sheet of the charts' tables
//! and one of the sub-regions, the same rows the page shows.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use shouhu_domain::msg;
use shouhu_domain::statistics::duration_label;
use shouhu_store::statistics::Statistics;

/// The workbook's bytes.
pub fn workbook(st: &Statistics) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(msg::STATISTICS_SHEET)?;
    ws.set_column_width(0, 48)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 14)?;
    let last = st.to.pred_opt().unwrap_or(st.to);
    ws.write_string_with_format(0, 0, format!("{} · {}", msg::STATISTICS, st.region_name), &bold)?;
    ws.write_string(1, 0, format!("{} {} — {} {}", msg::PERIOD_FROM, st.from, msg::PERIOD_TO, last))?;
    ws.write_string(2, 0, msg::STATISTICS_CHILDREN)?;
    ws.write_number(2, 1, st.children as f64)?;
    ws.write_string(3, 0, msg::STATISTICS_REPORTS)?;
    ws.write_number(3, 1, st.reports as f64)?;
    let mut row = 5u32;
    for s in st.sections() {
        ws.write_string_with_format(row, 0, s.title, &bold)?;
        row += 1;
        ws.write_string_with_format(row, 0, msg::STATISTICS_ITEM, &bold)?;
        ws.write_string_with_format(row, 1, msg::STATISTICS_COUNT, &bold)?;
        row += 1;
        for b in &s.bars {
            ws.write_string(row, 0, &b.label)?;
            ws.write_number(row, 1, b.count as f64)?;
            row += 1;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, msg::STATISTICS_TIMES, &bold)?;
    row += 1;
    for (i, h) in
        [msg::STATISTICS_ITEM, msg::STATISTICS_COUNTED, msg::STATISTICS_MEDIAN, msg::STATISTICS_P90].iter().enumerate()
    {
        ws.write_string_with_format(row, i as u16, *h, &bold)?;
    }
    row += 1;
    for (label, t) in [(msg::STATISTICS_RESPONSE, st.response), (msg::STATISTICS_ASSESSMENT, st.assessment)] {
        ws.write_string(row, 0, label)?;
        ws.write_number(row, 1, t.count as f64)?;
        for (col, m) in [(2u16, t.median_minutes), (3, t.p90_minutes)] {
            ws.write_string(row, col, m.map_or_else(|| msg::STATISTICS_NONE.to_string(), duration_label))?;
        }
        row += 1;
    }

    let ws = wb.add_worksheet();
    ws.set_name(msg::STATISTICS_AREAS)?;
    ws.set_column_width(0, 24)?;
    let headers = [
        msg::REGION,
        msg::STATISTICS_CHILDREN,
        msg::STATISTICS_WARNED,
        msg::STATISTICS_REPORTS,
        msg::STATISTICS_DROPOUT_OPEN,
        msg::STATISTICS_VISIT_OVERDUE,
    ];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)?;
    }
    for (r, l) in st.areas.iter().chain([&st.total]).enumerate() {
        let row = r as u32 + 1;
        ws.write_string(row, 0, &l.name)?;
        for (i, v) in [l.children, l.warned, l.reports, l.dropouts_open, l.visits_overdue].iter().enumerate() {
            ws.write_number(row, i as u16 + 1, *v as f64)?;
        }
    }
    wb.save_to_buffer()
}
