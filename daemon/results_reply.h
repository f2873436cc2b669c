// The results reply of a search (policy 4.3.4, 4.3.4.1, 4.5.3.2): the fields results.mustache
// shows for every probe, face (quality grade, reasons, measures, crop) and candidate, the face
// crops it attaches, and the check that refuses a rendered reply that lost any of them or a caveat.
// ReplyComposer renders and queues it.
#pragma once

#include <mstch/mstch.hpp>
#include <string>
#include <vector>

#include "casework/records.h"
#include "mail/outgoing_message.h"

namespace rtcc::daemon {

// What a results reply reports: the approval, the search and the records it refers to.
struct ResultsFacts {
  casework::DecisionRecord approval;
  casework::SearchRecord search;
  std::vector<casework::FaceResult> faces;                // by probe, then face index
  std::vector<casework::ProbeRecord> probes;              // the request's, in order
  std::vector<casework::ProbeSearchRecord> probe_status;  // what became of each probe
};

// Adds the results template's fields for `facts` to `context` (a reply's base context).
void AddResultsContext(const ResultsFacts& facts, mstch::map& context);

// Throws templates::TemplateError unless `body` (rendered from AddResultsContext's fields) carries
// every caveat of the policy, the threshold, every candidate, every quality reason, the
// poor-quality warning where a face is poor, the name of every attached crop, every probe, why a
// probe could not be read, and lists as many candidates as the search found.
void CheckResultsBody(const std::string& body, const ResultsFacts& facts);

// "probe2-face1.jpg": the attachment name of a face crop (probe_index: 1-based order of the
// request's probes, as the results reply numbers them).
std::string CropName(int probe_index, int face_index);

// The JPEG crops of `faces` as attachments named by CropName, in probe then face order; faces
// without a crop are left out.
std::vector<mail::OutgoingAttachment> CropAttachments(
    const std::vector<casework::FaceResult>& faces,
    const std::vector<casework::ProbeRecord>& probes);

// A made-up search of request `request_id` with everything a results reply must show (two
// candidates, a poor face with a reason and a crop, an unreadable probe): ReplyComposer::SelfCheck
// renders it when the daemon starts.
ResultsFacts SelfCheckResults(const std::string& request_id);

}  // namespace rtcc::daemon
