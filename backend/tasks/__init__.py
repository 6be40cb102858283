"""Random-check tasks (抽查任务): single-department or joint, their scope, items, staffing and assignments."""
