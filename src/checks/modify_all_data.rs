//! `modify-all-data`: Modify All Data granted.

use super::{Context, Rule, check_org_wide_permission};
use crate::diagnostic::Diagnostic;
use crate::model::Component;
use crate::registry::RuleId;

pub struct ModifyAllData;

const RULE: RuleId = RuleId::ModifyAllData;

impl Rule for ModifyAllData {
    fn id(&self) -> RuleId {
        RULE
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_org_wide_permission(
            RULE,
            "ModifyAllData",
            "Grant Modify All Records on the objects that need it instead of Modify All Data.",
            component,
            context,
            out,
        );
    }
}
