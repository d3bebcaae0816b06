//! `view-all-data`: View All Data granted.

use super::{Context, Rule, check_org_wide_permission};
use crate::diagnostic::Diagnostic;
use crate::model::Component;
use crate::registry::RuleId;

pub struct ViewAllData;

const RULE: RuleId = RuleId::ViewAllData;

impl Rule for ViewAllData {
    fn id(&self) -> RuleId {
        RULE
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_org_wide_permission(
            RULE,
            "ViewAllData",
            "Grant View All Records on the objects that need it instead of View All Data.",
            component,
            context,
            out,
        );
    }
}
