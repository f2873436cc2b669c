#include "matcher/gallery.h"

#include <memory>
#include <string>

#include "matcher/sqlite_gallery.h"

namespace rtcc::matcher {
std::unique_ptr<Gallery> Gallery::Open(const std::filesystem::path& path,
                                       const GalleryOptions& options) {
  return std::make_unique<SqliteGallery>(path, options);
}

void Gallery::CheckModel(std::string_view probe_model_id) const {
  const std::string mine = model_id();
  if (!mine.empty() && mine != probe_model_id) {
    throw GalleryError("gallery: its faces were embedded with " + mine + ", not " +
                       std::string(probe_model_id) +
                       "; embeddings of different models cannot be compared");
  }
}

}  // namespace rtcc::matcher
