// The programme's figures (pure): firms and documents by 業種 / 地域 / 支援フェーズ / 課題 /
// 橋渡し先 / 支援の状況 / 年度, as tables the workbook, its PDF and the site show alike.
#pragma once

#include <string>
#include <vector>

#include "core/doc_record.h"

namespace yuimaru::toolkit {

// The firms a document concerns, for counting distinct firms: its company ids when the record
// has them (当局用); in the 公表用 edition, where no id is published, a 支援事例 stands for one
// firm (its doc id without the public-copy suffix); other documents concern no firm.
std::vector<std::string> FirmKeys(const core::DocRecord& record);

}  // namespace yuimaru::toolkit
