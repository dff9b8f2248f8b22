#include "toolkit/export_texts.h"

#include <string>

#include "core/schema.h"
#include "toolkit/manifest.h"

namespace yuimaru::toolkit {
namespace {

std::string FilterText(const ExportSet& set) {
  if (set.filters.empty()) return "なし（すべての文書）";
  std::string out;
  for (const auto& [key, value] : set.filters) {
    if (!out.empty()) out += ", ";
    out += key + "=" + value;
  }
  return out;
}

std::string EditionScope(Edition edition) {
  return edition == Edition::kPublic ? "公開区分の文書と記述のみ"
                                     : "内部区分までの文書と記述（機密は含みません）";
}

}  // namespace

std::string OpensslVerifyCommand(const std::string& cert) {
  return "openssl cms -verify -binary -inform DER -in " + std::string(kSignatureFile) +
         " -content " + std::string(kManifestFile) + " -CAfile " + cert +
         " -partial_chain -purpose any -out /dev/null";
}

std::string RenderReadme(const ExportSet& set, const std::string& source, Signing signing) {
  const std::string edition(EditionLabel(set.edition));
  std::string t;
  t += "yuimaru 横展開キット（" + edition + "）\n";
  t += "==========================================\n\n";
  t += "■ これは何か\n";
  t += "  沖縄官民合同伴走型支援事業のナレッジベース（yuimaru）から書き出した資料一式です。\n";
  t += "  このフォルダをそのまま CD-R などに書き込んで配布します。\n\n";
  t += "  版　　　: " + edition + "（" + EditionScope(set.edition) + "）\n";
  t += "  作成日時: " + set.generated_at + "（UTC）\n";
  t += "  出典　　: yuimaru の索引（" + source + "）\n";
  t += "  絞り込み: " + FilterText(set) + "\n";
  t += "  文書数　: " + std::to_string(set.docs.size()) + " 件\n";
  if (signing == Signing::kUnsigned) {
    t += "\n  ※ このフォルダは署名されていません（試行用）。配布には使わないでください。\n";
  }
  t += "\n■ 開き方\n";
  t += "  index.html をブラウザで開いてください。検索はこのディスクの中だけで動き、\n";
  t += "  ネットワーク接続もサーバーも不要です。\n\n";
  t += "■ 中身\n";
  t += "  index.html, site/      … 文書の閲覧と検索（ブラウザで開く）\n";
  t += "  reports/               … 事業報告書（Word・Excel・PDF）\n";
  t += "  corpus/                … 文書の Markdown（他地域の yuimaru で `yuimaru index` "
       "できます）\n";
  t += "  export-report.txt      … 書き出しの記録（収録文書、粗くした値、出力しなかったもの）\n";
  t += "  MANIFEST.sha256        … 全ファイルの SHA-256（改ざんの確認用）\n";
  if (signing == Signing::kSigned) {
    t += "  MANIFEST.sha256.sig    … MANIFEST.sha256 への署名（CMS, DER）\n";
    t += "  signer-cert.pem        … 署名に使った証明書（同梱の写し）\n";
  }
  t += "\n■ 確認（検証）の方法\n";
  if (signing == Signing::kSigned) {
    t += "  署名者の確認には、事務局から別の経路（手渡し、公式サイトなど）で受け取った証明書を\n";
    t += "  使ってください。同梱の signer-cert.pem で確認できるのは、フォルダが署名後に\n";
    t += "  変わっていないことだけです（署名者が誰かの確認にはなりません）。\n\n";
    t += "  1. yuimaru で確認する:\n";
    t += "       yuimaru verify-export <このフォルダ> --cert <事務局の証明書>\n\n";
    t += "  2. 標準的なツールで確認する（このフォルダの中で実行）:\n";
    t += "       sha256sum -c MANIFEST.sha256\n";
    t += "       " + OpensslVerifyCommand("<事務局の証明書>") + "\n";
    t +=
        "     両方が成功（OK / Verification successful）すれば、内容は署名されたときのままです。\n";
  } else {
    t += "  署名がないため、改ざんがないことは確認できません。ファイルの破損だけは\n";
    t += "  次の方法で確認できます:\n";
    t += "       sha256sum -c MANIFEST.sha256\n";
  }
  return t;
}

std::string RenderExportReport(const ExportSet& set, const std::vector<SkippedOutput>& skipped) {
  std::string t;
  t += "書き出しの記録\n";
  t += "==============\n\n";
  t += "版　　　: " + std::string(EditionLabel(set.edition)) + "\n";
  t += "作成日時: " + set.generated_at + "（UTC）\n";
  t += "絞り込み: " + FilterText(set) + "\n";
  t += "小さいセルの基準: k=" + std::to_string(set.k) + "\n";
  t += "文書数　: " + std::to_string(set.docs.size()) + " 件\n\n";
  t += "■ 収録文書\n";
  for (const ExportDoc& doc : set.docs) {
    t += "  " + doc.record.id + "\t" + doc.record.doc_type + "\t" + doc.record.confidentiality +
         "\t" + doc.record.title + "\n";
  }
  t += "\n■ 粗くした値（小さいセル）\n";
  if (set.coarsened.empty()) t += "  なし\n";
  for (const Coarsening& c : set.coarsened) {
    // The value before coarsening is what coarsening hides: only the value written is named.
    t += "  " + c.doc_id + "\t" + c.field + "\t" + c.to + "\t" + c.reason + "\n";
  }
  t += "\n■ 出力しなかったもの\n";
  if (skipped.empty()) t += "  なし\n";
  for (const SkippedOutput& s : skipped) t += "  " + s.output + "\t" + s.reason + "\n";
  return t;
}

}  // namespace yuimaru::toolkit
