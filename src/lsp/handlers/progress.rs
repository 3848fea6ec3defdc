//! Telling the client about indexing: `$/progress` when it supports work-done progress, the
//! `gonotes/status` notification always, and a log line.

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::notification::Progress;
use tower_lsp_server::ls_types::*;

use crate::lsp::ext::{IndexState, Status, StatusParams};
use crate::lsp::indexer::Event;

pub async fn report(client: &Client, ev: Event, token: NumberOrString, with_progress: bool) {
    match ev {
        Event::Started { full } => {
            client
                .send_notification::<Status>(StatusParams {
                    state: IndexState::Indexing,
                    notes: 0,
                    sections: 0,
                    skipped: 0,
                    message: "indexing notes".into(),
                })
                .await;
            if with_progress
                && full
                && client
                    .create_work_done_progress(token.clone())
                    .await
                    .is_ok()
            {
                let begin = WorkDoneProgress::Begin(WorkDoneProgressBegin {
                    title: "gonotes: indexing notes".into(),
                    ..Default::default()
                });
                client
                    .send_notification::<Progress>(ProgressParams {
                        token,
                        value: ProgressParamsValue::WorkDone(begin),
                    })
                    .await;
            }
        }
        Event::Done {
            notes,
            sections,
            skipped,
            millis,
            phases,
            full,
        } => {
            let message = format!(
                "{notes} {}, {sections} {} indexed in {millis} ms; {} skipped",
                if notes == 1 { "note" } else { "notes" },
                if sections == 1 { "section" } else { "sections" },
                skipped
            );
            tracing::info!("{message} ({phases})");
            if with_progress && full {
                let end = WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(message.clone()),
                });
                client
                    .send_notification::<Progress>(ProgressParams {
                        token,
                        value: ProgressParamsValue::WorkDone(end),
                    })
                    .await;
            }
            client
                .send_notification::<Status>(StatusParams {
                    state: IndexState::Ready,
                    notes,
                    sections,
                    skipped,
                    message,
                })
                .await;
        }
    }
}
