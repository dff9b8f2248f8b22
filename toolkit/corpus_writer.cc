#include "toolkit/corpus_writer.h"

namespace yuimaru::toolkit {

Status WriteCorpus(const ExportSet&, const std::filesystem::path&) {
  return Status::Ok();  // placeholder until the corpus writer lands
}

}  // namespace yuimaru::toolkit
