#include "matcher/gallery_manifest.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "base/strings.h"

namespace rtcc::matcher {
namespace {

enum Column { kSubject, kName, kImage, kSource, kDate, kColumns };

constexpr std::array<std::string_view, kColumns> kColumnNames = {"subject_id", "name", "image_path",
                                                                 "source", "date"};

std::optional<Column> ColumnOf(std::string header) {
  std::transform(header.begin(), header.end(), header.begin(), [](unsigned char c) {
    return c == ' ' || c == '-' ? '_' : static_cast<char>(std::tolower(c));
  });
  if (header == "subject_id" || header == "subject" || header == "id") return kSubject;
  if (header == "name" || header == "subject_name") return kName;
  if (header == "image_path" || header == "image" || header == "path") return kImage;
  if (header == "source") return kSource;
  if (header == "date") return kDate;
  return std::nullopt;
}

// A CSV field without the blanks around it; the line ends were cut before.
std::string_view Trim(std::string_view s) { return base::TrimView(s, " \t"); }

struct Record {
  std::size_t line = 0;
  std::vector<std::string> fields;
  std::string error;  // why the record cannot be read ("" when it can)
};

// RFC 4180 records. Never throws: a malformed record carries its error and parsing goes on at the
// next line.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }

  // The next record; false at the end. Blank lines are skipped.
  bool Next(Record& record) {
    while (pos_ < text_.size() && AtLineEnd()) SkipLineEnd();
    if (pos_ >= text_.size()) return false;
    record = Record{};
    record.line = line_;
    for (;;) {
      std::string field;
      std::string error = ReadField(field);
      if (!error.empty()) {
        record.error = error;
        SkipRestOfLine();
        return true;
      }
      record.fields.push_back(std::move(field));
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size()) SkipLineEnd();
      return true;
    }
  }

 private:
  bool AtLineEnd() const { return text_[pos_] == '\n' || text_[pos_] == '\r'; }
  void SkipLineEnd() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }
  void SkipRestOfLine() {
    while (pos_ < text_.size() && !AtLineEnd()) ++pos_;
    if (pos_ < text_.size()) SkipLineEnd();
  }

  // Reads one field up to (not past) the next ',' or line end. Returns an error sentence or "".
  std::string ReadField(std::string& out) {
    std::size_t start = pos_;
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      for (;;) {
        if (pos_ >= text_.size())
          return "a quoted field is not closed (a \" is missing; the rest of the file was read as "
                 "part "
                 "of it)";
        const char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            out += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        out += c;
      }
      while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
      if (pos_ < text_.size() && text_[pos_] != ',' && !AtLineEnd()) {
        return "text follows a closing quote (a field that holds \" must be quoted and its \" "
               "doubled)";
      }
      return "";
    }
    pos_ = start;
    while (pos_ < text_.size() && text_[pos_] != ',' && !AtLineEnd()) {
      if (text_[pos_] == '"') {
        return "a \" inside a field that is not quoted (quote the field and double the \")";
      }
      ++pos_;
    }
    out = std::string(Trim(text_.substr(start, pos_ - start)));
    return "";
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  const int year = std::stoi(std::string(d.substr(0, 4)));
  const int month = std::stoi(std::string(d.substr(5, 2)));
  const int day = std::stoi(std::string(d.substr(8, 2)));
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::string Quote(std::string_view s) {
  std::string out = "'";
  out += s.size() > 80 ? std::string(s.substr(0, 80)) + "..." : std::string(s);
  return out + "'";
}

}  // namespace

Manifest ParseManifest(std::string_view text, const std::filesystem::path& base_dir,
                       std::string_view name) {
  const std::string label(name);
  CsvReader reader(text);
  Record header;
  if (!reader.Next(header)) throw ManifestError(label + " is empty: no header line");
  if (!header.error.empty()) {
    throw ManifestError(label + " line " + std::to_string(header.line) + ": " + header.error);
  }
  std::array<int, kColumns> index;
  index.fill(-1);
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const auto column = ColumnOf(header.fields[i]);
    const std::string expected = "subject_id, name, image_path, source, date";
    if (!column) {
      throw ManifestError(label + " line " + std::to_string(header.line) + ": unknown column " +
                          Quote(header.fields[i]) + " (the columns are " + expected + ")");
    }
    if (index[*column] >= 0) {
      throw ManifestError(label + " line " + std::to_string(header.line) + ": column " +
                          std::string(kColumnNames[*column]) + " appears twice");
    }
    index[*column] = static_cast<int>(i);
  }
  for (Column required : {kSubject, kImage}) {
    if (index[required] < 0) {
      throw ManifestError(label + " line " + std::to_string(header.line) +
                          ": the header names no " + std::string(kColumnNames[required]) +
                          " column (the first line must name the columns: subject_id, name, "
                          "image_path, source, date)");
    }
  }

  Manifest manifest;
  Record record;
  while (reader.Next(record)) {
    const auto problem = [&](const std::string& why) {
      manifest.problems.push_back(label + " line " + std::to_string(record.line) + ": " + why +
                                  "; skipped.");
    };
    if (!record.error.empty()) {
      problem(record.error);
      continue;
    }
    if (record.fields.size() != header.fields.size()) {
      problem("it has " + std::to_string(record.fields.size()) + " field(s), the header " +
              std::to_string(header.fields.size()));
      continue;
    }
    const auto field = [&](Column c) {
      return index[c] < 0 ? std::string() : record.fields[static_cast<std::size_t>(index[c])];
    };
    ManifestRow row;
    row.line = record.line;
    row.subject_id = field(kSubject);
    row.name = field(kName);
    row.image = field(kImage);
    row.source = field(kSource);
    row.date = field(kDate);
    if (row.subject_id.empty()) {
      problem("no subject id");
      continue;
    }
    if (row.image.empty()) {
      problem("no image path");
      continue;
    }
    if (HasControl(row.subject_id) || HasControl(row.name) || HasControl(row.source) ||
        HasControl(row.image) || HasControl(row.date)) {
      problem("a field holds a control character (a line break inside quotes, a tab...)");
      continue;
    }
    if (!row.date.empty() && !IsDate(row.date)) {
      problem("the date " + Quote(row.date) + " is not a date written YYYY-MM-DD");
      continue;
    }
    const std::filesystem::path image(row.image);
    row.image_path = (image.is_absolute() ? image : base_dir / image).lexically_normal();
    manifest.rows.push_back(std::move(row));
  }
  return manifest;
}

Manifest ReadManifest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ManifestError(file.string() + " cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ManifestError(file.string() + " cannot be read");
  std::error_code ec;
  std::filesystem::path base = std::filesystem::absolute(file, ec).parent_path();
  if (ec) base = file.parent_path();
  return ParseManifest(text.str(), base, file.string());
}

}  // namespace rtcc::matcher
