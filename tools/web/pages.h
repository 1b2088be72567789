#pragma once
// psc-web's pages, one handler per route (web_app.cc maps them). Each renders HTML that works
// without JavaScript; each POST ends in a redirect (or the form again, with its errors).

#include "tools/web/page_request.h"

namespace psc::web {

// search_page.cc: full-text search across kinds, facets as filters, snippets, pagination.
void SearchPage(PageRequest& r);

// expert_pages.cc: the expert finder, an expert's page, and its "request days" form.
void ExpertFinderPage(PageRequest& r);
void ExpertPage(PageRequest& r);
void RequestExpertDays(PageRequest& r);

// inbox_page.cc: a lead's join and sharing requests, to and from their PSC, and the decisions.
void InboxPage(PageRequest& r);
void DecideRequest(PageRequest& r);

// initiative_pages.cc: an initiative, "ask to join", the new-initiative form with its
// similar-work warning, and the edit form.
void InitiativePage(PageRequest& r);
void AskToJoin(PageRequest& r);
void NewInitiativePage(PageRequest& r);
void CreateInitiative(PageRequest& r);
void EditInitiativePage(PageRequest& r);
void UpdateInitiative(PageRequest& r);

// case_study_page.cc
void CaseStudyPage(PageRequest& r);

// report_page.cc: the national report as tables and SVG bar charts.
void ReportPage(PageRequest& r);

}  // namespace psc::web
