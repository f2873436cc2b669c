// The CSV manifest of a gallery enrolment: a header line naming the columns, then one image per
// row. Columns (any order, names case-insensitive, spaces and hyphens read as underscores):
//   subject_id (or subject, id)   required: who the image shows
//   image_path (or image, path)   required: the image file, relative to the manifest's folder
//   name                          the subject's name
//   source                        where the image comes from (e.g. "booking photos 2019")
//   date                          the image's date, YYYY-MM-DD
// RFC 4180 quoting: a field in double quotes may hold commas, line breaks and "" for a quote.
// Spaces around a field are dropped; a UTF-8 byte-order mark is skipped. A bad row becomes a
// problem line naming the row and is skipped; the other rows are still read. Internal to matcher/.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rtcc::matcher {

struct ManifestRow {
  std::size_t line = 0;  // the line the row starts on (the header is line 1)
  std::string subject_id;
  std::string name;
  std::string image;                 // as written in the manifest
  std::filesystem::path image_path;  // resolved against the manifest's folder, normalised
  std::string source;
  std::string date;  // "" or YYYY-MM-DD
};

struct Manifest {
  std::vector<ManifestRow> rows;
  // One sentence per skipped row: "<manifest> line 7: the date '2019-02-30' is not a date
  // (YYYY-MM-DD); skipped."
  std::vector<std::string> problems;
};

// The manifest cannot be used at all: unreadable, empty, or its header does not name the columns.
class ManifestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses manifest text. `base_dir` resolves relative image paths; `name` labels problem lines.
Manifest ParseManifest(std::string_view text, const std::filesystem::path& base_dir,
                       std::string_view name);

// Reads and parses the manifest file (relative image paths against its folder). Throws
// ManifestError.
Manifest ReadManifest(const std::filesystem::path& file);

}  // namespace rtcc::matcher
